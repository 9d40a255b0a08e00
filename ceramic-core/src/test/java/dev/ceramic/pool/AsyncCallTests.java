package dev.ceramic.pool;

import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.ceramic.test.channel.TypedPoint;
import dev.ceramic.test.pool.AsyncService;
import dev.ceramic.test.pool.AsyncServiceImpl;
import dev.ceramic.test.pool.TestPools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.PATIENCE;
import static dev.ceramic.test.pool.TestPools.deleteFatalErrorLog;
import static dev.ceramic.test.pool.TestPools.holdAWorker;
import static dev.ceramic.test.pool.TestPools.isAlive;
import static dev.ceramic.test.pool.TestPools.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Methods that return a {@link CompletableFuture} or a {@link CompletionStage}: the proxy
 * returns at once, the call runs on a thread of the pool, and the future completes with
 * the value or with the exception a blocking call would have thrown. Cancelling it ends
 * the call as an interrupt ends a blocking one.
 */
@Timeout(120)
class AsyncCallTests {

	/**
	 * A call timeout longer than any wait of a test, so that only the cancellation can
	 * end a call.
	 */
	private static final Duration NO_TIMEOUT = Duration.ofMinutes(10);

	@TempDir
	Path temp;

	static WorkerPool start(WorkerPoolSettings settings, CallInterceptor... interceptors) {
		WorkerPool.Builder builder = WorkerPool.builder(settings)
			.service(AsyncService.class, AsyncServiceImpl.class)
			.service(dev.ceramic.test.pool.TestService.class, dev.ceramic.test.pool.TestServiceImpl.class);
		for (CallInterceptor interceptor : interceptors) {
			builder.interceptor(interceptor);
		}
		WorkerPool pool = builder.build();
		pool.start();
		assertThat(pool.awaitReady(PATIENCE)).as("pool '%s' is ready", settings.name()).isTrue();
		return pool;
	}

	private static <T> T valueOf(CompletionStage<T> stage) throws Exception {
		return stage.toCompletableFuture().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
	}

	private static Throwable failureOf(CompletionStage<?> stage) {
		return assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> valueOf(stage)).actual().getCause();
	}

	@Test
	void aFutureCompletesWithTheValueTypedByItsGenericArgument() throws Exception {
		try (WorkerPool pool = start(settings("async-value").maxWorkers(1).build())) {
			AsyncService service = pool.proxy(AsyncService.class);
			assertThat(valueOf(service.echo("hello"))).isEqualTo("hello!");
			// The worker waits for a stage another of its threads completes, and the list
			// comes back as a list of records, not of maps.
			List<TypedPoint> points = valueOf(service.pointsLater(3));
			assertThat(points).containsExactly(new TypedPoint("p0", 0, 0), new TypedPoint("p1", 1, 2),
					new TypedPoint("p2", 2, 4));
			assertThat(valueOf(service.nothing())).isNull();
		}
	}

	@Test
	void theProxyReturnsBeforeTheCallEnds() throws Exception {
		try (WorkerPool pool = start(settings("async-returns").maxWorkers(1).build())) {
			AsyncService service = pool.proxy(AsyncService.class);
			Path release = this.temp.resolve("release");
			// The call ends only once the file exists, and the file is made only after
			// the
			// proxy returned: a proxy that waited for the call would never return.
			CompletableFuture<Long> call = service.awaitFile(release.toString());
			assertThat(call).isNotDone();
			await("the call holds the worker").until(() -> pool.snapshot(false).busyWorkers() == 1);
			assertThat(call).isNotDone();
			Files.createFile(release);
			assertThat(valueOf(call)).isEqualTo(service.pid());
		}
	}

	@Test
	void theCallRunsOnAThreadOfThePoolVirtualWhereTheJdkHasThem() throws Exception {
		AtomicReference<Thread> callThread = new AtomicReference<>();
		CallInterceptor recordThread = (call, next) -> {
			callThread.set(Thread.currentThread());
			return next.proceed();
		};
		try (WorkerPool pool = start(settings("async-thread").maxWorkers(1).build(), recordThread)) {
			AsyncService service = pool.proxy(AsyncService.class);
			assertThat(valueOf(service.echo("x"))).isEqualTo("x!");
			Thread thread = callThread.get();
			assertThat(thread).isNotSameAs(Thread.currentThread());
			assertThat(thread.getName()).startsWith("ceramic-async-thread-call-");
			assertThat(isVirtual(thread)).isEqualTo(Runtime.version().feature() >= 21);
		}
	}

	private static boolean isVirtual(Thread thread) throws ReflectiveOperationException {
		try {
			return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
	}

	@Test
	void aFailedFutureInTheWorkerFailsTheCallersWithTheServicesOwnException() {
		try (WorkerPool pool = start(settings("async-error").maxWorkers(1).build())) {
			AsyncService service = pool.proxy(AsyncService.class);
			long pid = service.pid();
			CompletableFuture<List<String>> resolved;
			try {
				resolved = service.resolveFails("nowhere.invalid");
			}
			catch (UnknownHostException ex) {
				throw new AssertionError("the proxy threw instead of returning a future", ex);
			}
			// Declared by the method, so rebuilt as its own type.
			assertThat(failureOf(resolved)).isInstanceOf(UnknownHostException.class)
				.hasMessage("nowhere.invalid: no such host");
			assertThat(failureOf(service.throwAtOnce("refused"))).isInstanceOf(IllegalStateException.class)
				.hasMessage("refused");
			assertThat(service.pid()).isEqualTo(pid);
			assertThat(pool.snapshot(false).crashes()).isZero();
		}
	}

	@Test
	void aSegfaultDuringTheCallCompletesTheFutureWithWorkerCrashedException() throws Exception {
		try (WorkerPool pool = start(settings("async-crash").maxWorkers(1).build())) {
			AsyncService service = pool.proxy(AsyncService.class);
			long pid = service.pid();
			Throwable failure = failureOf(service.segfault());
			assertThat(failure).isInstanceOf(WorkerCrashedException.class);
			WorkerCrashedException crash = (WorkerCrashedException) failure;
			assertThat(crash.workerPid()).hasValue(pid);
			assertThat(crash.signal()).isEqualTo("SIGSEGV");
			deleteFatalErrorLog(crash.fatalErrorSummary());
			assertThat(valueOf(service.echo("after"))).isEqualTo("after!");
			assertThat(service.pid()).isNotEqualTo(pid);
			assertThat(pool.snapshot(false).crashes()).isEqualTo(1);
		}
	}

	@Test
	void aFutureThatNeverCompletesInTheWorkerTimesOut() throws Exception {
		try (WorkerPool pool = start(settings("async-timeout").maxWorkers(1).build())) {
			AsyncService service = pool.proxy(AsyncService.class);
			long pid = service.pid();
			Throwable failure = failureOf(service.never());
			assertThat(failure).isInstanceOf(CallTimeoutException.class)
				.hasMessageContaining("did not complete within its timeout");
			assertThat(((CallTimeoutException) failure).timeout().toMillis())
				.isEqualTo(AsyncService.HANG_TIMEOUT_MILLIS);
			await("the worker of the timed-out call is gone").until(() -> !isAlive(pid));
			assertThat(valueOf(service.echo("after"))).isEqualTo("after!");
			assertThat(pool.snapshot(false).timeouts()).isEqualTo(1);
		}
	}

	@Test
	void withCallTimeoutReachesTheCallsThread() {
		try (WorkerPool pool = start(settings("async-override").maxWorkers(1).build())) {
			AsyncService service = pool.proxy(AsyncService.class);
			CompletableFuture<Long> call = WorkerPool.withCallTimeout(Duration.ofMillis(300),
					() -> service.awaitFile(this.temp.resolve("never").toString()));
			Throwable failure = failureOf(call);
			assertThat(failure).isInstanceOf(CallTimeoutException.class);
			assertThat(((CallTimeoutException) failure).timeout().toMillis()).isEqualTo(300);
		}
	}

	@Test
	void cancellingASentCallKillsItsWorkerAndThePoolGoesOnServing() throws Exception {
		try (WorkerPool pool = start(settings("async-cancel").maxWorkers(1).callTimeout(NO_TIMEOUT).build())) {
			AsyncService service = pool.proxy(AsyncService.class);
			long pid = service.pid();
			CompletableFuture<Long> call = service.awaitFile(this.temp.resolve("never").toString());
			await("the call holds the worker").until(() -> pool.snapshot(false).busyWorkers() == 1);
			assertThat(call.cancel(true)).isTrue();
			assertThat(call).isCancelled();
			// A worker cannot be told to drop a call it took: as for an interrupted
			// blocking call, it is killed and replaced.
			await("the worker of the cancelled call is gone").until(() -> !isAlive(pid));
			assertThat(valueOf(service.echo("after"))).isEqualTo("after!");
			assertThat(service.pid()).isNotEqualTo(pid);
			PoolSnapshot snapshot = pool.snapshot(false);
			assertThat(snapshot.timeouts()).as("timeouts in %s", snapshot).isEqualTo(1);
			assertThat(snapshot.crashes()).as("crashes in %s", snapshot).isZero();
		}
	}

	@Test
	void cancellingACallThatWaitsForAWorkerSendsNothingAndHarmsNoWorker() throws Exception {
		try (WorkerPool pool = start(settings("async-cancel-queued").maxWorkers(1).callTimeout(NO_TIMEOUT).build())) {
			AsyncService service = pool.proxy(AsyncService.class);
			long before = service.calls();
			Path release = this.temp.resolve("release");
			CompletableFuture<Long> holder = holdAWorker(pool, "holder", release);
			CompletableFuture<String> queued = service.echo("queued");
			await("the call waits for a worker").until(() -> pool.snapshot(false).queuedCalls() == 1);
			assertThat(queued.cancel(true)).isTrue();
			await("the cancelled call stops waiting").until(() -> pool.snapshot(false).queuedCalls() == 0);
			Files.createFile(release);
			long holderPid = valueOf(holder);
			assertThat(service.pid()).isEqualTo(holderPid);
			assertThat(service.calls()).as("calls that reached the worker").isEqualTo(before);
			PoolSnapshot snapshot = pool.snapshot(false);
			assertThat(snapshot.timeouts()).isZero();
			assertThat(snapshot.crashes()).isZero();
		}
	}

	@Test
	void aCallBeyondMaxQueuedCallsIsRejectedAtOnceAndTheOthersComplete() throws Exception {
		try (WorkerPool pool = start(settings("async-saturated").maxWorkers(1).maxQueuedCalls(1).build())) {
			AsyncService service = pool.proxy(AsyncService.class);
			Path release = this.temp.resolve("release");
			CompletableFuture<Long> running = service.awaitFile(release.toString());
			await("the first call holds the worker").until(() -> pool.snapshot(false).busyWorkers() == 1);
			CompletableFuture<String> queued = service.echo("queued");
			await("the second call waits").until(() -> pool.snapshot(false).queuedCalls() == 1);
			Throwable failure = failureOf(service.echo("one too many"));
			assertThat(failure).isInstanceOf(CallRejectedException.class);
			assertThat(((CallRejectedException) failure).reason()).isEqualTo(CallRejectedException.Reason.QUEUE_FULL);
			Files.createFile(release);
			assertThat(valueOf(running)).isEqualTo(service.pid());
			assertThat(valueOf(queued)).isEqualTo("queued!");
		}
	}

	@Test
	void afterCloseNoThreadOfAsyncCallsIsLeftAndCallsAreRejected() throws Exception {
		WorkerPool pool = start(settings("async-close").maxWorkers(2).build());
		AsyncService service = pool.proxy(AsyncService.class);
		assertThat(valueOf(service.echo("a"))).isEqualTo("a!");
		assertThat(valueOf(service.echo("b"))).isEqualTo("b!");
		pool.close();
		assertThat(Thread.getAllStackTraces().keySet())
			.noneMatch((thread) -> thread.getName().startsWith("ceramic-async-close-call-"));
		Throwable failure = failureOf(service.echo("late"));
		assertThat(failure).isInstanceOf(CallRejectedException.class);
		assertThat(((CallRejectedException) failure).reason()).isEqualTo(CallRejectedException.Reason.SHUT_DOWN);
	}

}
