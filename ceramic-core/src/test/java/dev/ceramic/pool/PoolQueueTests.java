package dev.ceramic.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.ceramic.test.pool.TestPools;
import dev.ceramic.test.pool.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.async;
import static dev.ceramic.test.pool.TestPools.holdAWorker;
import static dev.ceramic.test.pool.TestPools.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Callers that find every worker busy: they wait up to acquire-timeout, at most
 * max-queued-calls of them, and proceed as soon as a worker is free.
 */
@Timeout(120)
class PoolQueueTests {

	@TempDir
	Path temp;

	@Test
	void aCallerWaitsUpToAcquireTimeoutThenIsRejected() throws Exception {
		Duration acquireTimeout = Duration.ofSeconds(1);
		Path release = this.temp.resolve("release");
		WorkerPoolSettings settings = settings("queue-acquire").maxWorkers(1).acquireTimeout(acquireTimeout).build();
		try (WorkerPool pool = TestPools.start(settings)) {
			TestService service = pool.proxy(TestService.class);
			CompletableFuture<Long> busy = holdAWorker(pool, "busy", release);
			long start = System.nanoTime();
			assertThatExceptionOfType(CallRejectedException.class).isThrownBy(service::pid).satisfies((ex) -> {
				assertThat(ex.reason()).isEqualTo(CallRejectedException.Reason.ACQUIRE_TIMEOUT);
				assertThat(ex.poolName()).isEqualTo("queue-acquire");
				assertThat(ex.workerPid()).isEmpty();
				assertThat(ex.getMessage()).contains("Pool 'queue-acquire'").contains("acquire-timeout of 1s");
			});
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(acquireTimeout);
			Files.createFile(release);
			long pid = busy.get();
			assertThat(service.pid()).isEqualTo(pid);
		}
	}

	@Test
	void pastMaxQueuedCallsACallerIsRejectedAtOnce() throws Exception {
		Path release = this.temp.resolve("release");
		// An acquire-timeout far longer than the test may take: a rejection is not a
		// timeout.
		WorkerPoolSettings settings = settings("queue-full").maxWorkers(1)
			.maxQueuedCalls(2)
			.acquireTimeout(Duration.ofMinutes(10))
			.build();
		try (WorkerPool pool = TestPools.start(settings)) {
			TestService service = pool.proxy(TestService.class);
			CompletableFuture<Long> busy = holdAWorker(pool, "busy", release);
			CompletableFuture<Long> first = async("queued-1", service::pid);
			CompletableFuture<Long> second = async("queued-2", service::pid);
			await("two calls wait").until(() -> pool.snapshot(false).queuedCalls() == 2);
			assertThatExceptionOfType(CallRejectedException.class).isThrownBy(service::pid).satisfies((ex) -> {
				assertThat(ex.reason()).isEqualTo(CallRejectedException.Reason.QUEUE_FULL);
				assertThat(ex.poolName()).isEqualTo("queue-full");
				assertThat(ex.getMessage()).contains("Pool 'queue-full'").contains("max-queued-calls");
			});
			// The two waiting calls are still waiting: the third was turned away, not
			// queued.
			assertThat(pool.snapshot(false).queuedCalls()).isEqualTo(2);
			assertThat(first).isNotDone();
			assertThat(second).isNotDone();
			Files.createFile(release);
			long pid = busy.get();
			assertThat(first.get()).isEqualTo(pid);
			assertThat(second.get()).isEqualTo(pid);
		}
	}

	@Test
	void aWaitingCallerProceedsAsSoonAsAWorkerIsFree() throws Exception {
		Path release = this.temp.resolve("release");
		// Were the waiting caller not woken, it would wait for the whole acquire-timeout,
		// far longer than the test's timeout.
		WorkerPoolSettings settings = settings("queue-proceed").maxWorkers(1)
			.acquireTimeout(Duration.ofMinutes(10))
			.build();
		try (WorkerPool pool = TestPools.start(settings)) {
			TestService service = pool.proxy(TestService.class);
			CompletableFuture<Long> busy = holdAWorker(pool, "busy", release);
			CompletableFuture<Long> waiting = async("waiting", service::pid);
			await("a call waits").until(() -> pool.snapshot(false).queuedCalls() == 1);
			assertThat(waiting).isNotDone();
			Files.createFile(release);
			assertThat(waiting.get()).isEqualTo(busy.get());
			assertThat(pool.snapshot(false).queuedCalls()).isZero();
			assertThat(pool.snapshot(false).workersStarted()).isEqualTo(1);
		}
	}

}
