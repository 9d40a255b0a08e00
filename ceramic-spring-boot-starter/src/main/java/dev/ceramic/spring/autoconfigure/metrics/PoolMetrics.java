package dev.ceramic.spring.autoconfigure.metrics;

import java.util.function.ToDoubleFunction;

import dev.ceramic.pool.PoolSnapshot;
import dev.ceramic.pool.WorkerPool;
import dev.ceramic.spring.autoconfigure.CeramicPools;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Gauges and counters of each pool, tagged with the pool's name: {@code ceramic.workers}
 * (tagged state busy, idle or starting), {@code ceramic.calls.queued}, and the counters
 * {@code ceramic.worker.crashes}, {@code ceramic.worker.timeouts},
 * {@code ceramic.worker.recycles} and {@code ceramic.worker.starts} (tagged reason
 * initial, replacement or growth).
 */
class PoolMetrics implements MeterBinder {

	private final CeramicPools pools;

	PoolMetrics(CeramicPools pools) {
		this.pools = pools;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (WorkerPool pool : this.pools.all()) {
			workers(registry, pool, "busy", PoolSnapshot::busyWorkers);
			workers(registry, pool, "idle", PoolSnapshot::idleWorkers);
			workers(registry, pool, "starting", PoolSnapshot::startingWorkers);
			Gauge.builder("ceramic.calls.queued", pool, (p) -> p.snapshot(false).queuedCalls())
				.description("Calls waiting for a free worker")
				.tag("pool", pool.name())
				.register(registry);
			counter(registry, pool, "ceramic.worker.crashes", "Workers that died", PoolSnapshot::crashes);
			counter(registry, pool, "ceramic.worker.timeouts", "Calls that timed out, killing their worker",
					PoolSnapshot::timeouts);
			counter(registry, pool, "ceramic.worker.recycles",
					"Workers replaced after max-calls-per-worker or past max-worker-memory", PoolSnapshot::recycles);
			starts(registry, pool, "initial",
					(snapshot) -> snapshot.workersStarted() - snapshot.replacements() - snapshot.growth());
			starts(registry, pool, "replacement", PoolSnapshot::replacements);
			starts(registry, pool, "growth", PoolSnapshot::growth);
		}
	}

	private static void workers(MeterRegistry registry, WorkerPool pool, String state,
			ToDoubleFunction<PoolSnapshot> count) {
		Gauge.builder("ceramic.workers", pool, (p) -> count.applyAsDouble(p.snapshot(false)))
			.description("Worker processes of the pool")
			.tag("pool", pool.name())
			.tag("state", state)
			.register(registry);
	}

	private static void starts(MeterRegistry registry, WorkerPool pool, String reason,
			ToDoubleFunction<PoolSnapshot> count) {
		FunctionCounter.builder("ceramic.worker.starts", pool, (p) -> count.applyAsDouble(p.snapshot(false)))
			.description("Workers started: the first min-workers (initial), in place of ones that died, timed out or "
					+ "were recycled (replacement), or because calls were waiting (growth)")
			.tag("pool", pool.name())
			.tag("reason", reason)
			.register(registry);
	}

	private static void counter(MeterRegistry registry, WorkerPool pool, String name, String description,
			ToDoubleFunction<PoolSnapshot> count) {
		FunctionCounter.builder(name, pool, (p) -> count.applyAsDouble(p.snapshot(false)))
			.description(description)
			.tag("pool", pool.name())
			.register(registry);
	}

}
