package dev.ceramic.pool;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.ceramic.test.pool.FaultyService;
import dev.ceramic.test.pool.FaultyServiceImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.PATIENCE;
import static dev.ceramic.test.pool.TestPools.deleteFatalErrorLog;
import static dev.ceramic.test.pool.TestPools.isAlive;
import static dev.ceramic.test.pool.TestPools.pids;
import static dev.ceramic.test.pool.TestPools.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A call that kills its worker at once, before the worker has acknowledged it (the
 * acknowledgement travels with the reply, or 1 to 33 ms after the worker took the call),
 * is still told from a call that never reached its worker: by the worker's call receipt.
 * It fails with a {@link WorkerCrashedException} and is not given to another worker,
 * which it would kill as well. In real worker JVMs, several of them, so that a retry
 * would have a worker to go to.
 *
 * <p>
 * Only the {@code SIGKILL} is sure to beat the worker's delayed acknowledgement: a
 * {@code Runtime.halt} or a segfault leaves the JVM a few milliseconds (to halt, or to
 * write its fatal error log) in which its other threads still write the held
 * acknowledgement, and the call then fails while the application waits for its reply, as
 * before. All must end the same way.
 */
@Timeout(300)
class PoolCallReceiptTests {

	private static final int WORKERS = 3;

	private static final int ROUNDS = 5;

	private static final List<PoolEvent> events = new CopyOnWriteArrayList<>();

	private static WorkerPool pool;

	private static FaultyService service;

	@BeforeAll
	static void startPool() {
		pool = WorkerPool
			.builder(settings("receipt").minWorkers(WORKERS)
				.maxWorkers(WORKERS)
				.callTimeout(Duration.ofSeconds(30))
				.restartBackoff(Duration.ofMillis(1), Duration.ofMillis(100))
				.build())
			.service(FaultyService.class, FaultyServiceImpl.class)
			.listener(events::add)
			.build();
		pool.start();
		assertThat(pool.awaitReady(PATIENCE)).isTrue();
		service = pool.proxy(FaultyService.class);
	}

	@AfterAll
	static void stopPool() {
		if (pool != null) {
			pool.close();
		}
	}

	@Test
	void aCallThatHaltsItsWorkerAtOnceCrashesExactlyOneWorker() {
		for (int round = 0; round < ROUNDS; round++) {
			WorkerCrashedException crash = crashesExactlyOneWorker(() -> service.halt(5));
			assertThat(crash.exitStatus()).hasValue(5);
			assertThat(crash.signal()).isNull();
		}
	}

	@Test
	void aCallThatSigkillsItsWorkerBeforeItCanAcknowledgeCrashesExactlyOneWorker() {
		for (int round = 0; round < ROUNDS; round++) {
			// The same worker serves calls one after another while it is idle in
			// between, so that the one to die has its path warmed up, and it dies well
			// within the millisecond or more its acknowledgement may be held back.
			for (int i = 0; i < 2000; i++) {
				service.killSelf(0);
			}
			WorkerCrashedException crash = crashesExactlyOneWorker(() -> service.killSelf(9));
			assertThat(crash.signal()).isEqualTo("SIGKILL");
		}
	}

	@Test
	void aCallThatSegfaultsItsWorkerCrashesExactlyOneWorker() {
		WorkerCrashedException crash = crashesExactlyOneWorker(service::segfault);
		assertThat(crash.signal()).isEqualTo("SIGSEGV");
		deleteFatalErrorLog(crash.fatalErrorSummary());
	}

	@Test
	void aWorkerKilledWhileIdleIsReplacedAndTheNextCallSucceeds() {
		Set<Long> before = awaitAllWorkersIdle();
		long crashes = pool.snapshot(false).crashes();
		long victim = before.iterator().next();
		ProcessHandle.of(victim).orElseThrow().destroyForcibly();
		// Every worker serves one call at once, the dead one's call included if the pool
		// has not heard of the death yet: that call goes to another worker.
		for (int i = 0; i < 3 * WORKERS; i++) {
			assertThat(service.compute(i)).isEqualTo(i * 31L + 7);
		}
		await("the death is counted").until(() -> pool.snapshot(false).crashes() == crashes + 1);
		assertThat(pool.snapshot(false).lastCrash()).contains("pid " + victim).contains("died while idle");
	}

	/**
	 * Make a call that kills the worker it runs on, and check that it ran on exactly one
	 * worker: the one the exception names is dead, every other worker that was there is
	 * alive, and the pool counted one crash.
	 */
	private static WorkerCrashedException crashesExactlyOneWorker(Runnable call) {
		Set<Long> before = awaitAllWorkersIdle();
		long crashes = pool.snapshot(false).crashes();
		events.clear();
		Throwable thrown = catchThrowable(call::run);
		assertThat(thrown).isInstanceOf(WorkerCrashedException.class);
		WorkerCrashedException crash = (WorkerCrashedException) thrown;
		assertThat(crash.getMessage()).contains("during a call to").doesNotContain("died while idle");
		long victim = crash.workerPid().orElseThrow();
		assertThat(before).contains(victim);
		// A retry would run before the call returned: another worker would be dead by
		// now.
		assertThat(isAlive(victim)).isFalse();
		assertThat(before.stream().filter((pid) -> pid != victim).filter((pid) -> !isAlive(pid)).toList())
			.as("workers other than pid %d that died", victim)
			.isEmpty();
		await("the pool is back to " + WORKERS + " workers").until(() -> {
			Set<Long> now = pids(pool);
			return now.size() == WORKERS && !now.contains(victim);
		});
		assertThat(pool.snapshot(false).crashes()).isEqualTo(crashes + 1);
		assertThat(events.stream().filter((event) -> event.type() == PoolEvent.Type.WORKER_CRASHED)).singleElement()
			.satisfies((event) -> assertThat(event.workerPid()).isEqualTo(victim));
		return crash;
	}

	/** Wait until the pool has all its workers, idle, and return their pids. */
	private static Set<Long> awaitAllWorkersIdle() {
		await("all " + WORKERS + " workers are idle").until(() -> {
			PoolSnapshot snapshot = pool.snapshot(false);
			return snapshot.workers().size() == WORKERS && snapshot.idleWorkers() == WORKERS;
		});
		return pids(pool);
	}

}
