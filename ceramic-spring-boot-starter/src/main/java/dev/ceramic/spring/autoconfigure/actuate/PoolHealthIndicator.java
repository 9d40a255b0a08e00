package dev.ceramic.spring.autoconfigure.actuate;

import dev.ceramic.pool.PoolSnapshot;
import dev.ceramic.pool.PoolState;
import dev.ceramic.pool.WorkerPool;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of one pool: {@code DOWN} when it has failed or stopped, {@code DEGRADED}
 * when it runs fewer than {@code min-workers} or workers keep dying (at least
 * {@value #DEGRADED_FAILURES} crashes or timeouts in the last minute), {@code UP}
 * otherwise, with the worker counts, restarts and last crash as details. The last crash
 * holds the worker's last lines of standard error and the path of its fatal-error log;
 * Spring Boot shows details only as {@code management.endpoint.health.show-details}
 * allows ({@code never} by default).
 */
public class PoolHealthIndicator implements HealthIndicator {

	/** The status of a pool that serves, but not as configured. */
	public static final Status DEGRADED = new Status("DEGRADED",
			"Fewer workers than min-workers, or workers keep dying");

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
			.withDetail("restarts", Math.max(0, snapshot.workersStarted() - snapshot.minWorkers()))
			.withDetail("crashes", snapshot.crashes())
			.withDetail("timeouts", snapshot.timeouts())
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
		if (snapshot.workers().size() < snapshot.minWorkers() || snapshot.recentFailures() >= DEGRADED_FAILURES) {
			return DEGRADED;
		}
		return Status.UP;
	}

}
