package dev.ceramic.spring.autoconfigure;

import java.util.Collection;

import dev.ceramic.pool.PoolEvent;
import dev.ceramic.pool.PoolSnapshot;
import dev.ceramic.pool.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;

/**
 * Keeps the application's readiness at {@link ReadinessState#REFUSING_TRAFFIC} until
 * every pool has its {@code min-workers} ready, for
 * {@code ceramic.wait-for-workers=false}, where start-up does not wait for them. When the
 * application says it accepts traffic before the pools are ready, this answers at once,
 * within the same event, that it refuses traffic, and says it accepts traffic once the
 * last pool is ready. It must therefore hear readiness events after Spring Boot's
 * {@code ApplicationAvailability} does, which holds for a listener added once the
 * context's beans exist.
 * <p>
 * Once ready, readiness stays with the application: a pool that later loses workers shows
 * in its health, not in readiness.
 */
final class WorkerReadiness implements ApplicationListener<AvailabilityChangeEvent<ReadinessState>> {

	private static final Logger logger = LoggerFactory.getLogger(WorkerReadiness.class);

	private final ApplicationEventPublisher publisher;

	private final Collection<WorkerPool> pools;

	// Guarded by this.

	private boolean poolsReady;

	private boolean heldBack;

	WorkerReadiness(ApplicationEventPublisher publisher, Collection<WorkerPool> pools) {
		this.publisher = publisher;
		this.pools = pools;
	}

	/** Follow the pools' workers as they start. */
	void watch() {
		for (WorkerPool pool : this.pools) {
			pool.addListener((event) -> {
				if (event.type() == PoolEvent.Type.WORKER_STARTED) {
					poolsMayBeReady();
				}
			});
		}
		poolsMayBeReady();
	}

	private synchronized void poolsMayBeReady() {
		if (this.poolsReady || !this.pools.stream().allMatch(WorkerReadiness::isReady)) {
			return;
		}
		this.poolsReady = true;
		if (this.heldBack) {
			this.heldBack = false;
			logger.info("Every ceramic pool has its min-workers ready: the application accepts traffic");
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.ACCEPTING_TRAFFIC);
		}
	}

	private static boolean isReady(WorkerPool pool) {
		PoolSnapshot snapshot = pool.snapshot(false);
		return snapshot.workers().size() >= snapshot.minWorkers();
	}

	@Override
	public synchronized void onApplicationEvent(AvailabilityChangeEvent<ReadinessState> event) {
		if (event.getSource() == this) {
			return;
		}
		if (event.getState() != ReadinessState.ACCEPTING_TRAFFIC) {
			// The application refuses traffic for reasons of its own, shutdown say.
			this.heldBack = false;
			return;
		}
		if (!this.poolsReady) {
			this.heldBack = true;
			logger.info(
					"The application refuses traffic until every ceramic pool has its min-workers ready "
							+ "(ceramic.wait-for-workers=false): {}",
					this.pools.stream().map(WorkerReadiness::describe).toList());
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
		}
	}

	private static String describe(WorkerPool pool) {
		PoolSnapshot snapshot = pool.snapshot(false);
		return pool.name() + " " + snapshot.workers().size() + " of " + snapshot.minWorkers();
	}

}
