package dev.ceramic.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.ceramic.test.pool.TestPools;
import dev.ceramic.test.pool.TestService;
import dev.ceramic.test.pool.TestServiceImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.PATIENCE;
import static dev.ceramic.test.pool.TestPools.settings;
import static dev.ceramic.test.pool.TestPools.workerProcesses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A pool whose workers die during start-up again and again fails, rejects calls at once
 * with the start-up error, and recovers once a worker can start.
 */
@Timeout(180)
class PoolCrashLoopTests {

	/**
	 * Far longer than a test may take: a call that waited for a worker instead of being
	 * rejected at once would time the test out.
	 */
	private static final Duration ACQUIRE_TIMEOUT = Duration.ofMinutes(10);

	@TempDir
	Path temp;

	@Test
	void aPoolWhoseServiceCannotStartFailsAndRecoversWhenItCan() throws Exception {
		Path marker = Files.createFile(this.temp.resolve("refuse-to-start"));
		TestPools.Events events = new TestPools.Events();
		WorkerPoolSettings settings = settings("crash-loop").maxWorkers(1)
			.acquireTimeout(ACQUIRE_TIMEOUT)
			.restartBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
			.crashLoopThreshold(3)
			.systemProperties(Map.of(TestServiceImpl.FAIL_WHILE_EXISTS, marker.toString()))
			.build();
		try (WorkerPool pool = TestPools.build(settings, events)) {
			TestService service = pool.proxy(TestService.class);
			pool.start();
			assertThat(pool.awaitReady(PATIENCE)).isFalse();
			assertThat(pool.snapshot(false).state()).isEqualTo(PoolState.FAILED);
			assertThat(pool.snapshot(false).startFailures()).isGreaterThanOrEqualTo(3);
			// Events are published after the state changes, outside the pool's lock.
			await("three start failures and the pool's failure are told")
				.until(() -> events.count(PoolEvent.Type.WORKER_START_FAILED) >= 3
						&& events.count(PoolEvent.Type.POOL_FAILED) == 1);
			assertThatExceptionOfType(CallRejectedException.class).isThrownBy(service::pid).satisfies((ex) -> {
				assertThat(ex.reason()).isEqualTo(CallRejectedException.Reason.POOL_FAILED);
				assertThat(ex.poolName()).isEqualTo("crash-loop");
				assertThat(ex.getMessage()).contains("Pool 'crash-loop' has failed")
					.contains("died during start-up")
					.contains(TestServiceImpl.REFUSAL + marker);
				assertThat(ex.getCause()).isInstanceOf(WorkerStartException.class)
					.hasMessageContaining("could not make its services: ")
					.hasMessageContaining("java.lang.IllegalStateException: " + TestServiceImpl.REFUSAL + marker);
			});
			Files.delete(marker);
			await("the pool recovered").until(() -> pool.snapshot(false).state() == PoolState.RUNNING);
			assertThat(pool.awaitReady(PATIENCE)).isTrue();
			long pid = service.pid();
			assertThat(TestPools.pids(pool)).containsExactly(pid);
			await("the recovery is told").until(() -> events.count(PoolEvent.Type.POOL_RECOVERED) == 1);
		}
		assertThat(workerProcesses("crash-loop")).isEmpty();
	}

	@Test
	void aServiceThatExitsInItsConstructorFailsThePoolWithItsExitStatusAndLastWords() {
		WorkerPoolSettings settings = settings("crash-loop-exit").maxWorkers(1)
			.acquireTimeout(ACQUIRE_TIMEOUT)
			.restartBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
			.crashLoopThreshold(2)
			.systemProperties(Map.of(TestServiceImpl.EXIT_IN_CONSTRUCTOR, "7"))
			.build();
		try (WorkerPool pool = TestPools.build(settings)) {
			TestService service = pool.proxy(TestService.class);
			pool.start();
			assertThat(pool.awaitReady(PATIENCE)).isFalse();
			assertThat(pool.snapshot(false).state()).isEqualTo(PoolState.FAILED);
			assertThatExceptionOfType(CallRejectedException.class).isThrownBy(service::pid).satisfies((ex) -> {
				assertThat(ex.reason()).isEqualTo(CallRejectedException.Reason.POOL_FAILED);
				assertThat(ex.getMessage()).contains("died during start-up")
					.contains("exit code 7")
					.contains("TestServiceImpl exits with status 7 in its constructor");
			});
			// It keeps failing fast while it stays failed.
			assertThatExceptionOfType(CallRejectedException.class).isThrownBy(service::pid)
				.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(CallRejectedException.Reason.POOL_FAILED));
		}
		assertThat(workerProcesses("crash-loop-exit")).isEmpty();
	}

}
