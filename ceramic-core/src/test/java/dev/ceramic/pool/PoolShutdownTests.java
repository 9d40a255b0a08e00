package dev.ceramic.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import dev.ceramic.test.pool.LingeringFactory;
import dev.ceramic.test.pool.TestPools;
import dev.ceramic.test.pool.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.PATIENCE;
import static dev.ceramic.test.pool.TestPools.async;
import static dev.ceramic.test.pool.TestPools.holdAWorker;
import static dev.ceramic.test.pool.TestPools.isAlive;
import static dev.ceramic.test.pool.TestPools.pids;
import static dev.ceramic.test.pool.TestPools.settings;
import static dev.ceramic.test.pool.TestPools.workerProcesses;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Shutting a pool down: no worker starts once it has begun, no new calls, calls in flight
 * finish within shutdown-grace or are ended then, stragglers are killed, and no worker
 * process outlives {@link WorkerPool#close()}.
 */
@Timeout(120)
class PoolShutdownTests {

	@TempDir
	Path temp;

	@Test
	void closeStopsTakingCallsAndLetsACallInFlightFinish() throws Exception {
		Path release = this.temp.resolve("release");
		WorkerPoolSettings settings = settings("shutdown-grace").minWorkers(2)
			.maxWorkers(2)
			.shutdownGrace(PATIENCE)
			.build();
		WorkerPool pool = TestPools.start(settings);
		TestService service = pool.proxy(TestService.class);
		Set<Long> pids = pids(pool);
		CompletableFuture<Long> inFlight = holdAWorker(pool, "in-flight", release);
		CompletableFuture<Void> closing = async("closer", () -> {
			pool.close();
			return null;
		});
		await("the pool is stopping").until(() -> pool.snapshot(false).state() == PoolState.STOPPING);
		assertThatExceptionOfType(CallRejectedException.class).isThrownBy(service::pid).satisfies((ex) -> {
			assertThat(ex.reason()).isEqualTo(CallRejectedException.Reason.SHUT_DOWN);
			assertThat(ex.getMessage()).contains("Pool 'shutdown-grace' is shut down");
		});
		// close() waits for the call in flight, which cannot end before the file exists.
		assertThat(closing).isNotDone();
		assertThat(pids).allMatch(TestPools::isAlive);
		Files.createFile(release);
		assertThat(inFlight.get()).isIn(pids);
		closing.get();
		assertThat(pool.snapshot(false).state()).isEqualTo(PoolState.STOPPED);
		assertThat(pids).noneMatch(TestPools::isAlive);
		assertThat(workerProcesses("shutdown-grace")).isEmpty();
		assertThatExceptionOfType(CallRejectedException.class).isThrownBy(service::pid)
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(CallRejectedException.Reason.SHUT_DOWN));
	}

	@Test
	void aStragglerPastShutdownGraceIsKilled() throws Exception {
		Path never = this.temp.resolve("never");
		Duration grace = Duration.ofSeconds(1);
		WorkerPoolSettings settings = settings("shutdown-straggler").maxWorkers(1)
			.callTimeout(PATIENCE)
			.shutdownGrace(grace)
			.build();
		WorkerPool pool = TestPools.start(settings);
		long pid = pids(pool).iterator().next();
		CompletableFuture<Long> straggler = holdAWorker(pool, "straggler", never);
		long start = System.nanoTime();
		pool.close();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(grace);
		assertThat(isAlive(pid)).isFalse();
		assertThat(workerProcesses("shutdown-straggler")).isEmpty();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(straggler::get)
			.havingCause()
			.isInstanceOfSatisfying(CallTimeoutException.class, (ex) -> {
				assertThat(ex.poolName()).isEqualTo("shutdown-straggler");
				assertThat(ex.workerPid()).hasValue(pid);
				assertThat(ex.getMessage()).contains("shutdown-grace of 1s ran out");
			});
	}

	@Test
	void onceShutdownHasBegunNoWorkerStartsAndAHungCallIsAnsweredWhenTheGraceRunsOut() throws Exception {
		TestPools.Events events = new TestPools.Events();
		Path never = this.temp.resolve("never");
		WorkerPoolSettings settings = settings("shutdown-begun").minWorkers(2)
			.maxWorkers(2)
			.callTimeout(PATIENCE.multipliedBy(2))
			.shutdownGrace(Duration.ofSeconds(1))
			.build();
		WorkerPool pool = TestPools.start(settings, events);
		try {
			TestService service = pool.proxy(TestService.class);
			CompletableFuture<Long> hung = holdAWorker(pool, "hung", never);
			pool.beginShutdown();
			// A worker that dies now is not replaced, and a call still finds the other.
			long other = service.pid();
			assertThatExceptionOfType(WorkerCrashedException.class).isThrownBy(() -> service.exit(1));
			// The hung call ends when the grace runs out, long before its own timeout.
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> hung.get(PATIENCE.toSeconds(), SECONDS))
				.havingCause()
				.isInstanceOfSatisfying(CallTimeoutException.class, (ex) -> {
					assertThat(ex.poolName()).isEqualTo("shutdown-begun");
					assertThat(ex.getMessage()).contains("shutdown-grace of 1s ran out");
				});
			await("both workers are gone").until(() -> pool.snapshot(false).workers().isEmpty());
			assertThat(isAlive(other)).isFalse();
			assertThat(pool.snapshot(false).startingWorkers()).isZero();
			assertThat(events.count(PoolEvent.Type.WORKER_STARTED)).isEqualTo(2);
			assertThat(workerProcesses("shutdown-begun")).isEmpty();
		}
		finally {
			pool.close();
		}
		assertThat(events.count(PoolEvent.Type.WORKER_STARTED)).isEqualTo(2);
		assertThat(workerProcesses("shutdown-begun")).isEmpty();
	}

	@Test
	void callersWaitingForAWorkerAreRejectedWhenThePoolCloses() throws Exception {
		Path release = this.temp.resolve("release");
		WorkerPoolSettings settings = settings("shutdown-waiting").maxWorkers(1).shutdownGrace(PATIENCE).build();
		WorkerPool pool = TestPools.start(settings);
		TestService service = pool.proxy(TestService.class);
		CompletableFuture<Long> inFlight = holdAWorker(pool, "in-flight", release);
		CompletableFuture<Long> waiting = async("waiting", service::pid);
		await("a call waits").until(() -> pool.snapshot(false).queuedCalls() == 1);
		CompletableFuture<Void> closing = async("closer", () -> {
			pool.close();
			return null;
		});
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(waiting::get)
			.havingCause()
			.isInstanceOfSatisfying(CallRejectedException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(CallRejectedException.Reason.SHUT_DOWN));
		assertThat(closing).isNotDone();
		Files.createFile(release);
		assertThat(inFlight.get()).isPositive();
		closing.get();
		assertThat(workerProcesses("shutdown-waiting")).isEmpty();
	}

	@Test
	void idleWorkersLeaveOnGoodbyeWithoutWaitingForTheGrace() {
		// With a grace far longer than the test's timeout, close() returns in time only
		// because the workers exit when told goodbye, instead of being killed after the
		// grace.
		WorkerPoolSettings settings = settings("shutdown-idle").minWorkers(2)
			.maxWorkers(2)
			.shutdownGrace(Duration.ofMinutes(10))
			.build();
		WorkerPool pool = TestPools.start(settings);
		Set<Long> pids = pids(pool);
		assertThat(pids).hasSize(2);
		pool.close();
		assertThat(pids).noneMatch(TestPools::isAlive);
		assertThat(workerProcesses("shutdown-idle")).isEmpty();
		pool.close();
		assertThat(pool.snapshot(false).state()).isEqualTo(PoolState.STOPPED);
	}

	@Test
	void aWorkerStoppingAfterIdleTimeoutWhenThePoolClosesDoesNotOutliveIt() {
		TestPools.Events events = new TestPools.Events();
		// Its workers take a minute to exit after goodbye, so the one that idle-timeout
		// stops is still running when the pool closes.
		WorkerPoolSettings settings = settings("shutdown-idle-stopping").minWorkers(0)
			.maxWorkers(1)
			.idleTimeout(Duration.ofMillis(300))
			.shutdownGrace(PATIENCE)
			.serviceFactory(LingeringFactory.class)
			.build();
		WorkerPool pool = TestPools.start(settings, events);
		long pid = pool.proxy(TestService.class).pid();
		await("idle-timeout stops the worker").until(() -> events.count(PoolEvent.Type.WORKER_IDLE_STOPPED) == 1);
		assertThat(pool.snapshot(false).workers()).isEmpty();
		assertThat(isAlive(pid)).isTrue();
		pool.close();
		assertThat(isAlive(pid)).isFalse();
		assertThat(workerProcesses("shutdown-idle-stopping")).isEmpty();
	}

	@Test
	void workersStillStartingWhenThePoolClosesDoNotOutliveIt() {
		WorkerPool pool = TestPools.build(settings("shutdown-starting").minWorkers(2).maxWorkers(2).build());
		pool.start();
		pool.close();
		assertThat(pool.snapshot(false).state()).isEqualTo(PoolState.STOPPED);
		assertThat(workerProcesses("shutdown-starting")).isEmpty();
	}

}
