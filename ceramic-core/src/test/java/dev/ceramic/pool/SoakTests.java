package dev.ceramic.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import dev.ceramic.test.ProcessResources;
import dev.ceramic.test.pool.FaultyService;
import dev.ceramic.test.pool.FaultyServiceImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.PATIENCE;
import static dev.ceramic.test.pool.TestPools.pids;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Soak: 20,000 calls from 32 threads into a pool of 4 real workers, with 1% of the calls
 * crashing their worker ({@code System.exit} and {@code Runtime.halt}, in turn). Every
 * call must return its own value or, for the crashing ones, a
 * {@link WorkerCrashedException} with the right exit status; none may hang; afterwards
 * the pool is back to 4 workers and this JVM to its descriptors, threads and children.
 *
 * <p>
 * The acquire-timeout is 60 s, far above the few seconds a caller can wait while every
 * worker is being replaced at once, so a {@link CallRejectedException} would mean the
 * pool failed to replace workers, and counts as a failure like any other unexpected
 * outcome. Throughput and the count of each outcome are printed.
 */
@Timeout(300)
class SoakTests {

	/** The 20,000; {@code -Dceramic.soak.calls=N} runs a shorter soak locally. */
	private static final int CALLS = Integer.getInteger("ceramic.soak.calls", 20_000);

	private static final int THREADS = 32;

	private static final int WORKERS = 4;

	/** One call in a hundred crashes its worker. */
	private static final int CRASH_EVERY = 100;

	private static final int EXIT_STATUS = 7;

	private static final int HALT_STATUS = 9;

	private static final Duration OVERALL = Duration.ofSeconds(240);

	@Test
	void everyCallGetsItsValueOrATypedCrashAndThePoolRecovers() throws Exception {
		WorkerPool pool = WorkerPool
			.builder(WorkerPoolSettings.builder("soak")
				.minWorkers(WORKERS)
				.maxWorkers(WORKERS)
				.callTimeout(Duration.ofSeconds(10))
				.acquireTimeout(Duration.ofSeconds(60))
				.maxQueuedCalls(THREADS)
				.jvmArguments(List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
				.build())
			.service(FaultyService.class, FaultyServiceImpl.class)
			.build();
		try (pool) {
			pool.start();
			assertThat(pool.awaitReady(Duration.ofSeconds(60))).isTrue();
			FaultyService service = pool.proxy(FaultyService.class);
			warmUp(pool, service);
			ProcessResources before = steadyState(pool);
			long crashesBefore = pool.snapshot(false).crashes();

			Outcomes outcomes = new Outcomes();
			AtomicInteger next = new AtomicInteger();
			ExecutorService callers = Executors.newFixedThreadPool(THREADS);
			long start = System.nanoTime();
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				futures.add(callers.submit(() -> {
					for (int i = next.getAndIncrement(); i < CALLS; i = next.getAndIncrement()) {
						call(service, i, outcomes);
					}
				}));
			}
			callers.shutdown();
			boolean finished = callers.awaitTermination(OVERALL.toMillis(), TimeUnit.MILLISECONDS);
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			if (!finished) {
				callers.shutdownNow();
			}
			for (Future<?> future : futures) {
				if (future.isDone()) {
					future.get();
				}
			}
			PoolSnapshot after = pool.snapshot(false);
			System.out.printf(
					"Soak: %d calls from %d threads into %d workers in %d ms: %.0f calls/s; %s; "
							+ "pool: %d crashes, %d timeouts, %d workers started%n",
					CALLS, THREADS, WORKERS, elapsed.toMillis(), CALLS * 1e9 / elapsed.toNanos(), outcomes,
					after.crashes() - crashesBefore, after.timeouts(), after.workersStarted());

			assertThat(finished).as("all calls finished within %s (none hangs)", OVERALL).isTrue();
			assertThat(outcomes.unexpected)
				.as("unexpected outcomes (the first 20 of %d): %s", outcomes.unexpected.size(),
						outcomes.unexpected.stream().limit(20).toList())
				.isEmpty();
			assertThat(outcomes.values.sum()).isEqualTo(CALLS - CALLS / CRASH_EVERY);
			assertThat(outcomes.crashes.sum()).isEqualTo(CALLS / CRASH_EVERY);
			assertThat(after.crashes() - crashesBefore).isEqualTo(CALLS / CRASH_EVERY);
			assertThat(after.timeouts()).isZero();

			await("the pool is back to " + WORKERS + " idle workers").until(() -> {
				PoolSnapshot snapshot = pool.snapshot(false);
				return snapshot.workers().size() == WORKERS && snapshot.startingWorkers() == 0
						&& snapshot.busyWorkers() == 0;
			});
			ProcessResources now = ProcessResources.awaitBackTo(before, () -> pids(pool), Duration.ofSeconds(30));
			// Idle threads of JDK pools are not counted above; they must stay bounded,
			// not
			// grow with the number of workers replaced.
			assertThat(now.idlePooledThreads()).as("idle threads in JDK pools").isLessThan(THREADS);
			assertThat(pool.snapshot().state()).isEqualTo(PoolState.RUNNING);
		}
	}

	private static void call(FaultyService service, int i, Outcomes outcomes) {
		boolean crashing = i % CRASH_EVERY == CRASH_EVERY / 2;
		boolean halt = (i / CRASH_EVERY) % 2 == 1;
		try {
			if (crashing) {
				if (halt) {
					service.halt(HALT_STATUS);
				}
				else {
					service.exit(EXIT_STATUS);
				}
				outcomes.unexpected.add("call " + i + " should have crashed its worker, but returned");
				return;
			}
			long value = service.compute(i);
			if (value == i * 31L + 7) {
				outcomes.values.increment();
			}
			else {
				outcomes.unexpected.add("call " + i + " returned " + value + ", another call's value");
			}
		}
		catch (WorkerCrashedException ex) {
			int expected = halt ? HALT_STATUS : EXIT_STATUS;
			if (crashing && ex.exitStatus().orElse(-1) == expected) {
				outcomes.crashes.increment();
			}
			else {
				outcomes.unexpected.add("call " + i + ": " + ex);
			}
		}
		catch (RuntimeException ex) {
			outcomes.unexpected.add("call " + i + ": " + ex);
			outcomes.byType.computeIfAbsent(ex.getClass().getSimpleName(), (type) -> new LongAdder()).increment();
		}
	}

	/**
	 * Go once through the paths the soak takes, so that lazy set-up is in the baseline.
	 */
	private static void warmUp(WorkerPool pool, FaultyService service) {
		for (int i = 0; i < 100; i++) {
			assertThat(service.compute(i)).isEqualTo(i * 31L + 7);
		}
		assertThat(pool.snapshot().workers()).hasSize(WORKERS);
		try {
			service.exit(EXIT_STATUS);
		}
		catch (WorkerCrashedException ex) {
			assertThat(ex.exitStatus()).hasValue(EXIT_STATUS);
		}
	}

	private static ProcessResources steadyState(WorkerPool pool) {
		await("the pool has settled at " + WORKERS + " idle workers").until(() -> {
			PoolSnapshot snapshot = pool.snapshot(false);
			return snapshot.workers().size() == WORKERS && snapshot.startingWorkers() == 0;
		});
		return ProcessResources.awaitSettled(() -> pids(pool), PATIENCE);
	}

	/** What the calls got. */
	private static final class Outcomes {

		final LongAdder values = new LongAdder();

		final LongAdder crashes = new LongAdder();

		final Map<String, LongAdder> byType = new ConcurrentHashMap<>();

		final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

		@Override
		public String toString() {
			return "outcomes: " + this.values.sum() + " values, " + this.crashes.sum()
					+ " WorkerCrashedException as expected, " + this.unexpected.size() + " unexpected "
					+ this.byType.entrySet()
						.stream()
						.map((entry) -> entry.getKey() + "=" + entry.getValue().sum())
						.collect(Collectors.joining(", ", "{", "}"));
		}

	}

}
