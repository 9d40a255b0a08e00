package dev.ceramic.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

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
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Per-call deadlines: the pool's call-timeout, {@link CallTimeout} on a method, and
 * {@link WorkerPool#withCallTimeout}. A call past its deadline, or whose thread is
 * interrupted, kills its worker, which is replaced.
 */
@Timeout(120)
class PoolTimeoutTests {

	/** Longer than any test may take: a call that sleeps this long never returns. */
	private static final long FOREVER = Duration.ofMinutes(10).toMillis();

	@TempDir
	Path temp;

	@Test
	void aCallPastCallTimeoutKillsItsWorkerWhichIsReplaced() {
		TestPools.Events events = new TestPools.Events();
		WorkerPoolSettings settings = settings("timeout-pool").maxWorkers(1).callTimeout(Duration.ofSeconds(1)).build();
		try (WorkerPool pool = TestPools.start(settings, events)) {
			TestService service = pool.proxy(TestService.class);
			long pid = service.pid();
			assertThatExceptionOfType(CallTimeoutException.class).isThrownBy(() -> service.sleepMillis(FOREVER))
				.satisfies((ex) -> {
					assertThat(ex.timeout()).isEqualTo(Duration.ofSeconds(1));
					assertThat(ex.poolName()).isEqualTo("timeout-pool");
					assertThat(ex.workerPid()).hasValue(pid);
					assertThat(ex.getMessage()).contains("TestService.sleepMillis(long)")
						.contains("pid " + pid)
						.contains("'timeout-pool'")
						.contains("did not complete within its timeout of 1s");
				});
			await("the timed-out worker is gone").until(() -> !isAlive(pid));
			long replacement = service.pid();
			assertThat(replacement).isNotEqualTo(pid);
			assertThat(pids(pool)).containsExactly(replacement);
			PoolSnapshot snapshot = pool.snapshot(false);
			assertThat(snapshot.timeouts()).isEqualTo(1);
			assertThat(snapshot.crashes()).isZero();
			assertThat(events.of(PoolEvent.Type.WORKER_TIMED_OUT)).singleElement()
				.satisfies((event) -> assertThat(event.workerPid()).isEqualTo(pid));
		}
	}

	@Test
	void callTimeoutOnAMethodOverridesThePools() {
		try (WorkerPool pool = TestPools.start(settings("timeout-method").callTimeout(PATIENCE).build())) {
			TestService service = pool.proxy(TestService.class);
			// The same one-second sleep: within the pool's call-timeout, past the
			// method's.
			assertThat(service.sleepMillis(1000)).isPositive();
			assertThatExceptionOfType(CallTimeoutException.class).isThrownBy(() -> service.sleepWithShortTimeout(1000))
				.satisfies((ex) -> {
					assertThat(ex.timeout()).isEqualTo(Duration.ofMillis(500));
					assertThat(ex.getMessage()).contains("did not complete within its timeout of 500ms");
				});
			assertThat(pool.snapshot(false).timeouts()).isEqualTo(1);
		}
	}

	@Test
	void withCallTimeoutOverridesTheDeadlineOfTheCallsItMakes() {
		try (WorkerPool pool = TestPools.start(settings("timeout-call").callTimeout(PATIENCE).build())) {
			TestService service = pool.proxy(TestService.class);
			assertThatExceptionOfType(CallTimeoutException.class)
				.isThrownBy(() -> WorkerPool.withCallTimeout(Duration.ofMillis(500), () -> service.sleepMillis(1000)))
				.satisfies((ex) -> assertThat(ex.timeout()).isEqualTo(Duration.ofMillis(500)));
			// Only the calls inside: afterwards the pool's call-timeout applies again.
			assertThat(service.sleepMillis(1000)).isPositive();
			// It overrides a method's @CallTimeout too.
			assertThat(WorkerPool.withCallTimeout(PATIENCE, () -> service.sleepWithShortTimeout(1000))).isPositive();
			// Nested, the inner one applies inside it, and the outer one again after it.
			long afterInner = WorkerPool.withCallTimeout(PATIENCE, () -> {
				assertThatExceptionOfType(CallTimeoutException.class).isThrownBy(
						() -> WorkerPool.withCallTimeout(Duration.ofMillis(500), () -> service.sleepMillis(1000)));
				return service.sleepWithShortTimeout(1000);
			});
			assertThat(afterInner).isPositive();
			assertThat(pool.snapshot(false).timeouts()).isEqualTo(2);
		}
	}

	@Test
	void withCallTimeoutRefusesADeadlineThatIsNotPositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerPool.withCallTimeout(Duration.ZERO, () -> 1))
			.withMessageContaining("must be positive");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> WorkerPool.withCallTimeout(Duration.ofMillis(-1), () -> 1))
			.withMessageContaining("must be positive");
	}

	@Test
	void anInterruptedCallerTimesOutAndItsWorkerIsKilledAndReplaced() throws Exception {
		WorkerPoolSettings settings = settings("timeout-interrupt").maxWorkers(1).callTimeout(PATIENCE).build();
		try (WorkerPool pool = TestPools.start(settings)) {
			TestService service = pool.proxy(TestService.class);
			long pid = service.pid();
			AtomicReference<Thread> caller = new AtomicReference<>();
			AtomicBoolean interruptedAfterwards = new AtomicBoolean();
			CompletableFuture<CallTimeoutException> call = async("interrupted-caller", () -> {
				caller.set(Thread.currentThread());
				try {
					service.sleepMillis(FOREVER);
					return null;
				}
				catch (CallTimeoutException ex) {
					interruptedAfterwards.set(Thread.currentThread().isInterrupted());
					return ex;
				}
			});
			await("the worker is busy").until(() -> pool.snapshot(false).busyWorkers() == 1);
			caller.get().interrupt();
			CallTimeoutException ex = call.get();
			assertThat(ex).isNotNull();
			assertThat(ex.workerPid()).hasValue(pid);
			assertThat(ex.getMessage()).contains("was interrupted").contains("the worker was killed");
			assertThat(interruptedAfterwards).isTrue();
			await("the worker of the interrupted call is gone").until(() -> !isAlive(pid));
			long replacement = service.pid();
			assertThat(replacement).isNotEqualTo(pid);
			assertThat(pool.snapshot(false).timeouts()).isEqualTo(1);
		}
	}

	@Test
	void aCallerInterruptedWhileWaitingForAWorkerTimesOutAndNoWorkerIsHurt() throws Exception {
		Path release = this.temp.resolve("release");
		WorkerPoolSettings settings = settings("timeout-interrupt-waiting").maxWorkers(1).build();
		try (WorkerPool pool = TestPools.start(settings)) {
			TestService service = pool.proxy(TestService.class);
			CompletableFuture<Long> busy = holdAWorker(pool, "busy", release);
			long pid = pids(pool).iterator().next();
			AtomicReference<Thread> caller = new AtomicReference<>();
			AtomicBoolean interruptedAfterwards = new AtomicBoolean();
			CompletableFuture<CallTimeoutException> waiting = async("interrupted-waiter", () -> {
				caller.set(Thread.currentThread());
				try {
					service.pid();
					return null;
				}
				catch (CallTimeoutException ex) {
					interruptedAfterwards.set(Thread.currentThread().isInterrupted());
					return ex;
				}
			});
			await("a call waits").until(() -> pool.snapshot(false).queuedCalls() == 1);
			caller.get().interrupt();
			CallTimeoutException ex = waiting.get();
			assertThat(ex).isNotNull();
			assertThat(ex.getMessage()).contains("Interrupted while waiting for a worker").contains("nothing was sent");
			assertThat(ex.workerPid()).isEmpty();
			assertThat(interruptedAfterwards).isTrue();
			Files.createFile(release);
			assertThat(busy.get()).isEqualTo(pid);
			assertThat(service.pid()).isEqualTo(pid);
			assertThat(pool.snapshot(false).timeouts()).isZero();
		}
	}

	@Test
	void aCallOnAnAlreadyInterruptedThreadSendsNothingAndHurtsNoWorker() throws Exception {
		WorkerPoolSettings settings = settings("timeout-interrupted-before").maxWorkers(1).build();
		try (WorkerPool pool = TestPools.start(settings)) {
			TestService service = pool.proxy(TestService.class);
			long pid = service.pid();
			CallTimeoutException ex = async("already-interrupted", () -> {
				Thread.currentThread().interrupt();
				try {
					service.pid();
					return null;
				}
				catch (CallTimeoutException timeout) {
					assertThat(Thread.currentThread().isInterrupted()).isTrue();
					return timeout;
				}
			}).get();
			assertThat(ex).isNotNull();
			assertThat(ex.getMessage()).contains("before its call").contains("nothing was sent");
			assertThat(ex.workerPid()).isEmpty();
			assertThat(service.pid()).isEqualTo(pid);
			assertThat(pool.snapshot(false).timeouts()).isZero();
		}
	}

}
