package dev.ceramic.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.ceramic.test.pool.AsyncService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.PATIENCE;
import static dev.ceramic.test.pool.TestPools.deleteFatalErrorLog;
import static dev.ceramic.test.pool.TestPools.isAlive;
import static dev.ceramic.test.pool.TestPools.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * With Reactor on the classpath: methods that return a {@code Mono} start their call when
 * subscribed to and never block the subscribing thread, and cancelling the subscription
 * ends the call; a blocking method called on a non-blocking thread (an event loop of
 * WebFlux, {@link Schedulers#parallel()}) fails at once instead of stalling it.
 */
@Timeout(120)
class ReactorCallTests {

	/**
	 * A call timeout longer than any wait of a test, so that only the cancellation can
	 * end a call.
	 */
	private static final Duration NO_TIMEOUT = Duration.ofMinutes(10);

	@TempDir
	Path temp;

	@Test
	void aMonoSendsNothingUntilSubscribedAndOneCallPerSubscription() {
		try (WorkerPool pool = AsyncCallTests.start(settings("mono-lazy").maxWorkers(1).build())) {
			AsyncService service = pool.proxy(AsyncService.class);
			long pid = service.pid();
			long before = service.calls();
			Mono<Long> mono = service.monoPid();
			assertThat(service.calls()).as("calls that reached the worker").isEqualTo(before);
			assertThat(mono.block(PATIENCE)).isEqualTo(pid);
			assertThat(service.calls()).isEqualTo(before + 1);
			assertThat(mono.block(PATIENCE)).isEqualTo(pid);
			assertThat(service.calls()).isEqualTo(before + 2);
		}
	}

	@Test
	void subscribingReturnsBeforeTheCallEnds() throws Exception {
		try (WorkerPool pool = AsyncCallTests.start(settings("mono-returns").maxWorkers(1).build())) {
			AsyncService service = pool.proxy(AsyncService.class);
			Path release = this.temp.resolve("release");
			CompletableFuture<Long> value = new CompletableFuture<>();
			// The call ends only once the file exists, which is made after subscribe()
			// returned: a subscription that waited for the call would never return.
			service.monoAwaitFile(release.toString()).subscribe(value::complete, value::completeExceptionally);
			await("the call holds the worker").until(() -> pool.snapshot(false).busyWorkers() == 1);
			assertThat(value).isNotDone();
			Files.createFile(release);
			assertThat(value.get()).isEqualTo(service.pid());
		}
	}

	@Test
	void aSegfaultDuringTheCallFailsTheMonoWithWorkerCrashedException() {
		try (WorkerPool pool = AsyncCallTests.start(settings("mono-crash").maxWorkers(1).build())) {
			AsyncService service = pool.proxy(AsyncService.class);
			long pid = service.pid();
			WorkerCrashedException crash = assertThatExceptionOfType(WorkerCrashedException.class)
				.isThrownBy(() -> service.monoSegfault().block(PATIENCE))
				.actual();
			assertThat(crash.workerPid()).hasValue(pid);
			assertThat(crash.signal()).isEqualTo("SIGSEGV");
			deleteFatalErrorLog(crash.fatalErrorSummary());
			assertThat(service.monoPid().block(PATIENCE)).isNotEqualTo(pid);
			assertThat(pool.snapshot(false).crashes()).isEqualTo(1);
		}
	}

	@Test
	void cancellingTheSubscriptionEndsTheCallAndThePoolGoesOnServing() {
		try (WorkerPool pool = AsyncCallTests
			.start(settings("mono-cancel").maxWorkers(1).callTimeout(NO_TIMEOUT).build())) {
			AsyncService service = pool.proxy(AsyncService.class);
			long pid = service.pid();
			Disposable subscription = service.monoAwaitFile(this.temp.resolve("never").toString()).subscribe();
			await("the call holds the worker").until(() -> pool.snapshot(false).busyWorkers() == 1);
			subscription.dispose();
			await("the worker of the cancelled call is gone").until(() -> !isAlive(pid));
			assertThat(service.monoPid().block(PATIENCE)).isNotEqualTo(pid);
			PoolSnapshot snapshot = pool.snapshot(false);
			assertThat(snapshot.timeouts()).isEqualTo(1);
			assertThat(snapshot.crashes()).isZero();
		}
	}

	@Test
	void aBlockingMethodCalledOnANonBlockingThreadFailsAtOnceAndSendsNothing() {
		try (WorkerPool pool = AsyncCallTests.start(settings("mono-event-loop").maxWorkers(1).build())) {
			AsyncService service = pool.proxy(AsyncService.class);
			long before = service.calls();
			assertThatIllegalStateException()
				.isThrownBy(() -> Mono.fromCallable(service::pid).subscribeOn(Schedulers.parallel()).block(PATIENCE))
				.withMessageContaining("AsyncService.pid() of pool 'mono-event-loop' blocks until a worker answers")
				.withMessageContaining("non-blocking thread 'parallel-")
				.withMessageContaining("Mono<T> or CompletableFuture<T>")
				.withMessageContaining("Schedulers.boundedElastic()");
			assertThat(service.calls()).as("calls that reached the worker").isEqualTo(before);
		}
	}

	@Test
	void onANonBlockingThreadAsynchronousMethodsWorkAndBlockingOnesMayMoveToBoundedElastic() {
		try (WorkerPool pool = AsyncCallTests.start(settings("mono-elastic").maxWorkers(1).build())) {
			AsyncService service = pool.proxy(AsyncService.class);
			long pid = service.pid();
			assertThat(Mono.defer(service::monoPid).subscribeOn(Schedulers.parallel()).block(PATIENCE)).isEqualTo(pid);
			assertThat(Mono.fromFuture(() -> service.echo("loop")).subscribeOn(Schedulers.parallel()).block(PATIENCE))
				.isEqualTo("loop!");
			assertThat(Mono.fromCallable(service::pid).subscribeOn(Schedulers.boundedElastic()).block(PATIENCE))
				.isEqualTo(pid);
		}
	}

}
