package dev.ceramic.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
import static dev.ceramic.test.pool.TestPools.workerProcesses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many workers a pool runs: min-workers at start, started in parallel; more on
 * demand, up to max-workers and never beyond.
 */
@Timeout(180)
class PoolSizingTests {

	@TempDir
	Path temp;

	@Test
	void minWorkersStartInParallel() {
		AtomicInteger processesWhenFirstReady = new AtomicInteger(-1);
		PoolListener firstReady = (event) -> {
			if (event.type() == PoolEvent.Type.WORKER_STARTED) {
				processesWhenFirstReady.compareAndSet(-1, workerProcesses("sizing-parallel").size());
			}
		};
		WorkerPoolSettings three = settings("sizing-parallel").minWorkers(3).maxWorkers(3).build();
		startUntilReady(three, firstReady);
		// When the first worker greeted the pool, the other two were already running:
		// started one after the other, there would have been one process. (How much
		// faster that is belongs in the benchmarks, not in a timed assertion.)
		assertThat(processesWhenFirstReady).hasValue(3);
	}

	/**
	 * Start a pool, wait until it is ready, check its workers and close it.
	 */
	private void startUntilReady(WorkerPoolSettings settings, PoolListener listener) {
		WorkerPool.Builder builder = WorkerPool.builder(settings)
			.service(TestService.class, dev.ceramic.test.pool.TestServiceImpl.class);
		if (listener != null) {
			builder.listener(listener);
		}
		try (WorkerPool pool = builder.build()) {
			pool.start();
			assertThat(pool.awaitReady(TestPools.PATIENCE)).isTrue();
			Set<Long> pids = pids(pool);
			assertThat(pids).hasSize(settings.sizing().minWorkers()).allMatch(TestPools::isAlive);
			assertThat(pool.snapshot(false).workersStarted()).isEqualTo(settings.sizing().minWorkers());
		}
	}

	@Test
	void growsToMaxWorkersOnDemandAndNoFurther() throws Exception {
		Path release = this.temp.resolve("release");
		try (WorkerPool pool = TestPools.start(settings("sizing-grow").minWorkers(1).maxWorkers(3).build())) {
			TestService service = pool.proxy(TestService.class);
			AtomicInteger mostWorkers = new AtomicInteger();
			AtomicBoolean sampling = new AtomicBoolean(true);
			CompletableFuture<Void> sampler = async("sampler", () -> {
				while (sampling.get()) {
					PoolSnapshot snapshot = pool.snapshot(false);
					mostWorkers.accumulateAndGet(snapshot.workers().size() + snapshot.startingWorkers(), Math::max);
					Thread.sleep(5);
				}
				return null;
			});
			List<CompletableFuture<Long>> calls = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				calls.add(async("caller-" + i, () -> service.awaitFile(release.toString())));
			}
			// Six calls that stay in flight: three run, one in each worker the pool grew
			// to, and three wait, as no fourth worker may start.
			await("3 workers are busy and 3 calls wait").until(() -> {
				PoolSnapshot snapshot = pool.snapshot(false);
				return snapshot.busyWorkers() == 3 && snapshot.queuedCalls() == 3;
			});
			PoolSnapshot saturated = pool.snapshot(false);
			assertThat(saturated.workers()).hasSize(3);
			assertThat(saturated.startingWorkers()).isZero();
			Files.createFile(release);
			Set<Long> served = new HashSet<>();
			for (CompletableFuture<Long> call : calls) {
				served.add(call.get());
			}
			sampling.set(false);
			sampler.get();
			assertThat(served).hasSize(3).isEqualTo(pids(pool));
			assertThat(mostWorkers).hasValueLessThanOrEqualTo(3);
			assertThat(pool.snapshot(false).workersStarted()).isEqualTo(3);
		}
	}

	@Test
	void withNoMinWorkersTheFirstCallStartsOne() {
		try (WorkerPool pool = TestPools.start(settings("sizing-zero").minWorkers(0).maxWorkers(2).build())) {
			assertThat(pool.snapshot(false).workers()).isEmpty();
			assertThat(pool.snapshot(false).startingWorkers()).isZero();
			long pid = pool.proxy(TestService.class).pid();
			assertThat(isAlive(pid)).isTrue();
			assertThat(pids(pool)).containsExactly(pid);
		}
	}

}
