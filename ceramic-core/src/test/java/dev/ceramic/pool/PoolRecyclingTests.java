package dev.ceramic.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import dev.ceramic.test.pool.TestPools;
import dev.ceramic.test.pool.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.async;
import static dev.ceramic.test.pool.TestPools.isAlive;
import static dev.ceramic.test.pool.TestPools.pids;
import static dev.ceramic.test.pool.TestPools.settings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers are replaced after max-calls-per-worker calls (with jitter) and past
 * max-worker-memory, stop after idle-timeout down to min-workers, and no call in flight
 * is ever dropped for it.
 */
@Timeout(180)
class PoolRecyclingTests {

	private static final long MIB = 1024 * 1024;

	@TempDir
	Path temp;

	@Test
	void aWorkerIsReplacedAfterMaxCallsPerWorkerWithJitter() {
		TestPools.Events events = new TestPools.Events();
		WorkerPoolSettings settings = settings("recycle-calls").maxWorkers(1).maxCallsPerWorker(20).build();
		try (WorkerPool pool = TestPools.start(settings, events)) {
			TestService service = pool.proxy(TestService.class);
			Map<Long, Integer> callsByPid = new LinkedHashMap<>();
			for (int i = 0; i < 100; i++) {
				callsByPid.merge(service.pid(), 1, Integer::sum);
			}
			List<Integer> counts = new ArrayList<>(callsByPid.values());
			// Each worker serves 20 calls give or take 10%; the last one may not have
			// reached its limit.
			assertThat(counts.subList(0, counts.size() - 1)).as("calls served by each replaced worker, in order")
				.allSatisfy((count) -> assertThat(count).isBetween(18, 22));
			assertThat(counts.get(counts.size() - 1)).isBetween(1, 22);
			assertThat(callsByPid).hasSizeBetween(5, 6);
			List<Long> replaced = new ArrayList<>(callsByPid.keySet()).subList(0, callsByPid.size() - 1);
			assertThat(events.of(PoolEvent.Type.WORKER_RECYCLED)).extracting(PoolEvent::workerPid)
				.startsWith(replaced.toArray(Long[]::new));
			await("the replaced workers are gone").until(() -> replaced.stream().noneMatch(TestPools::isAlive));
			assertThat(pool.snapshot(false).recycles()).isBetween((long) replaced.size(), replaced.size() + 1L);
			assertThat(pool.snapshot(false).crashes()).isZero();
		}
	}

	@Test
	void workersAboveMinWorkersStopAfterIdleTimeout() throws Exception {
		Duration idleTimeout = Duration.ofMillis(500);
		Path release = this.temp.resolve("release");
		TestPools.Events events = new TestPools.Events();
		WorkerPoolSettings settings = settings("recycle-idle").minWorkers(1)
			.maxWorkers(3)
			.idleTimeout(idleTimeout)
			.build();
		try (WorkerPool pool = TestPools.start(settings, events)) {
			TestService service = pool.proxy(TestService.class);
			List<CompletableFuture<Long>> calls = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				calls.add(async("caller-" + i, () -> service.awaitFile(release.toString())));
			}
			await("the pool grew to 3 busy workers").until(() -> pool.snapshot(false).busyWorkers() == 3);
			Set<Long> grown = pids(pool);
			Files.createFile(release);
			for (CompletableFuture<Long> call : calls) {
				assertThat(call.get()).isIn(grown);
			}
			// Each stopped worker is told goodbye in turn, and its event published then.
			await("the pool is back to min-workers").until(() -> pool.snapshot(false).workers().size() == 1
					&& events.count(PoolEvent.Type.WORKER_IDLE_STOPPED) == 2);
			Set<Long> kept = pids(pool);
			assertThat(grown).containsAll(kept);
			assertThat(events.of(PoolEvent.Type.WORKER_IDLE_STOPPED)).hasSize(2)
				.extracting(PoolEvent::workerPid)
				.doesNotContainAnyElementsOf(kept);
			await("the stopped workers are gone")
				.until(() -> grown.stream().filter((pid) -> !kept.contains(pid)).noneMatch(TestPools::isAlive));
			// Idle for several idle-timeouts more, the last worker stays: the pool never
			// goes below min-workers.
			Thread.sleep(4 * idleTimeout.toMillis());
			assertThat(pids(pool)).isEqualTo(kept);
			assertThat(service.pid()).isIn(kept);
			assertThat(pool.snapshot(false).recycles()).isZero();
		}
	}

	@Test
	void aWorkerPastMaxWorkerMemoryIsReplacedAfterItsCall() {
		TestPools.Events events = new TestPools.Events();
		long limit = 192 * MIB;
		WorkerPoolSettings settings = settings("recycle-memory").maxWorkers(1)
			.maxWorkerMemory(limit)
			.jvmArguments(List.of("-Xmx768m"))
			.build();
		try (WorkerPool pool = TestPools.start(settings, events)) {
			TestService service = pool.proxy(TestService.class);
			long pid = service.pid();
			assertThat(pool.snapshot().workers()).singleElement()
				.satisfies((worker) -> assertThat(worker.residentMemory()).as("resident memory of a fresh worker")
					.isPositive()
					.isLessThan(limit));
			// The call that grows the worker past the limit completes in it.
			assertThat(service.allocate(256)).isEqualTo(pid);
			long next = service.pid();
			assertThat(next).isNotEqualTo(pid);
			await("the worker past max-worker-memory is gone").until(() -> !isAlive(pid));
			assertThat(events.of(PoolEvent.Type.WORKER_RECYCLED)).singleElement().satisfies((event) -> {
				assertThat(event.workerPid()).isEqualTo(pid);
				assertThat(event.detail()).contains("max-worker-memory");
			});
			assertThat(pool.snapshot(false).recycles()).isEqualTo(1);
			assertThat(pool.snapshot(false).crashes()).isZero();
		}
	}

	@Test
	void anIdleWorkerThatGrowsPastMaxWorkerMemoryIsReplaced() {
		TestPools.Events events = new TestPools.Events();
		long limit = 192 * MIB;
		WorkerPoolSettings settings = settings("recycle-memory-idle").maxWorkers(1)
			.maxWorkerMemory(limit)
			.idleTimeout(Duration.ofMillis(500))
			.jvmArguments(List.of("-Xmx768m"))
			.build();
		try (WorkerPool pool = TestPools.start(settings, events)) {
			TestService service = pool.proxy(TestService.class);
			long pid = service.allocateLater(256, 200);
			await("the idle worker past max-worker-memory is gone").until(() -> !isAlive(pid));
			await("a new worker replaced it").until(() -> pids(pool).size() == 1 && !pids(pool).contains(pid));
			assertThat(service.pid()).isNotEqualTo(pid);
			assertThat(events.of(PoolEvent.Type.WORKER_RECYCLED)).singleElement().satisfies((event) -> {
				assertThat(event.workerPid()).isEqualTo(pid);
				assertThat(event.detail()).contains("max-worker-memory");
			});
		}
	}

	@Test
	void recyclingNeverDropsACallInFlight() throws Exception {
		int threads = 4;
		int callsEach = 25;
		WorkerPoolSettings settings = settings("recycle-busy").minWorkers(2)
			.maxWorkers(2)
			.maxCallsPerWorker(10)
			.build();
		try (WorkerPool pool = TestPools.start(settings)) {
			TestService service = pool.proxy(TestService.class);
			List<CompletableFuture<List<Integer>>> callers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int base = t * 1000;
				callers.add(async("caller-" + t, () -> {
					List<Integer> results = new ArrayList<>();
					for (int i = 0; i < callsEach; i++) {
						results.add(service.echo(base + i));
					}
					return results;
				}));
			}
			for (int t = 0; t < threads; t++) {
				List<Integer> expected = new ArrayList<>();
				for (int i = 0; i < callsEach; i++) {
					expected.add(t * 1000 + i);
				}
				assertThat(callers.get(t).get()).isEqualTo(expected);
			}
			PoolSnapshot snapshot = pool.snapshot(false);
			// 100 calls, at most 11 a worker: at least 10 workers served, and all but the
			// last 2 were recycled.
			assertThat(snapshot.recycles()).isGreaterThanOrEqualTo(8);
			assertThat(snapshot.crashes()).isZero();
			assertThat(snapshot.timeouts()).isZero();
		}
	}

}
