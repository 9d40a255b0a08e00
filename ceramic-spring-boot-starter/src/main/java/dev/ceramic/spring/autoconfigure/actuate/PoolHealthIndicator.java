package dev.ceramic.spring.autoconfigure.actuate;

import dev.ceramic.pool.PoolSnapshot;
import dev.ceramic.pool.PoolState;
import dev.ceramic.pool.WorkerPool;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of one pool:
 * <ul>
 * <li>{@code DOWN} when it takes no calls: it has failed (workers died during start-up
 * again and again, so calls are rejected at once) or is shutting down or stopped;</li>
 * <li>{@code DEGRADED} when it takes calls but serves them worse than configured: no
 * worker is ready although {@code min-workers} is above 0, so calls wait for one to
 * start; or workers keep dying: at least {@value #DEGRADED_FAILURES} crashes, timeouts or
 * failed starts in the last minute;</li>
 * <li>{@code UP} otherwise, a pool replacing a worker after a single crash included.</li>
 * </ul>
 * Its details are the worker counts, the workers started as replacements and as growth,
 * crashes, timeouts, recycles and the last crash. The last crash holds the worker's last
 * lines of standard error and the path of its fatal-error log; Spring Boot shows details
 * only as {@code management.endpoint.health.show-details} allows ({@code never} by
 * default).
 */
public class PoolHealthIndicator implements HealthIndicator {

	/** The status of a pool that serves, but not as configured. */
	public static final Status DEGRADED = new Status("DEGRADED",
			"No worker ready although min-workers is above 0, or workers keep dying");

	static final int DEGRADED_FAILURES = 3;

	private final WorkerPool pool;

	public PoolHealthIndicator(WorkerPool pool) {
		this.pool = pool;
	}

	@Override
	public Health health() {
		PoolSnapshot snapshot = this.pool.snapshot(false);
		Health.Builder builder = new Health.Builder().status(status(snapshot))
			.withDetail("state", snapshot.state())
			.withDetail("workers", snapshot.workers().size())
			.withDetail("busy", snapshot.busyWorkers())
			.withDetail("idle", snapshot.idleWorkers())
			.withDetail("starting", snapshot.startingWorkers())
			.withDetail("queuedCalls", snapshot.queuedCalls())
			.withDetail("minWorkers", snapshot.minWorkers())
			.withDetail("maxWorkers", snapshot.maxWorkers())
			.withDetail("replacements", snapshot.replacements())
			.withDetail("growth", snapshot.growth())
			.withDetail("crashes", snapshot.crashes())
			.withDetail("timeouts", snapshot.timeouts())
			.withDetail("recycles", snapshot.recycles())
			.withDetail("startFailures", snapshot.startFailures())
			.withDetail("recentFailures", snapshot.recentFailures());
		if (snapshot.lastCrash() != null) {
			builder.withDetail("lastCrash", snapshot.lastCrash());
		}
		return builder.build();
	}

	private static Status status(PoolSnapshot snapshot) {
		if (snapshot.state() == PoolState.FAILED || snapshot.state() == PoolState.STOPPED
				|| snapshot.state() == PoolState.STOPPING) {
			return Status.DOWN;
		}
		boolean noneReady = snapshot.minWorkers() > 0 && snapshot.workers().isEmpty();
		if (noneReady || snapshot.recentFailures() >= DEGRADED_FAILURES) {
			return DEGRADED;
		}
		return Status.UP;
	}

}
