package dev.ceramic.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.ceramic.channel.FrameTooLargeException;
import dev.ceramic.channel.MalformedFrameException;
import dev.ceramic.test.ProcessResources;
import dev.ceramic.test.pool.FaultyService;
import dev.ceramic.test.pool.FaultyService.Fault;
import dev.ceramic.test.pool.FaultyServiceImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.deleteFatalErrorLog;
import static dev.ceramic.test.pool.TestPools.pids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The fault matrix: each way a worker can fail, while a call runs and, where it makes
 * sense, while the worker is idle, in real worker JVMs. For every fault the caller gets
 * the right typed exception within its call-timeout + 1 s (or nothing at all, for a
 * worker that dies idle), the next call succeeds, and this JVM comes back to the open
 * descriptors, threads and live children it had before.
 *
 * <p>
 * The pool has one worker (min = max = 1), so that the call after a fault can only be
 * served by the replacement, and the worker that a test faults is the one it asked for
 * its pid.
 */
@Timeout(120)
class FaultMatrixTests {

	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration HANG_TIMEOUT = Duration.ofMillis(FaultyService.HANG_TIMEOUT_MILLIS);

	private static final Duration SLACK = Duration.ofSeconds(1);

	private static final Duration RECOVERY = Duration.ofSeconds(30);

	private static final List<PoolEvent> events = new CopyOnWriteArrayList<>();

	private static WorkerPool pool;

	private static FaultyService service;

	private ProcessResources before;

	@TempDir
	Path markers;

	@BeforeAll
	static void startPool() {
		pool = WorkerPool
			.builder(WorkerPoolSettings.builder("faulty")
				.minWorkers(1)
				.maxWorkers(1)
				.callTimeout(CALL_TIMEOUT)
				// A call after a crash waits for the replacement to start.
				.acquireTimeout(RECOVERY)
				.shutdownGrace(Duration.ofSeconds(2))
				.restartBackoff(Duration.ofMillis(50), Duration.ofSeconds(1))
				.jvmArguments(List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
				.build())
			.service(FaultyService.class, FaultyServiceImpl.class)
			.listener(events::add)
			.build();
		pool.start();
		assertThat(pool.awaitReady(RECOVERY)).isTrue();
		service = pool.proxy(FaultyService.class);
		warmUp();
	}

	/**
	 * Go once through the paths a fault takes in this JVM, so that what they set up
	 * lazily (classes, the jars they come from, the JDK's NIO dispatcher with its
	 * descriptor) is in the baseline and not counted as a leak.
	 */
	private static void warmUp() {
		assertThat(service.compute(1)).isEqualTo(38);
		// Reads /proc/<pid>/status through NIO.
		assertThat(pool.snapshot().workers()).singleElement()
			.satisfies((worker) -> assertThat(worker.residentMemory()).isPositive());
		catchThrowable(() -> service.exit(3));
		catchThrowable(service::spin);
		catchThrowable(service::writeGarbageToChannel);
		catchThrowable(() -> service.recurseForever(0));
		assertThat(service.compute(1)).isEqualTo(38);
	}

	@AfterAll
	static void stopPool() {
		if (pool != null) {
			pool.close();
		}
	}

	@BeforeEach
	void startFromSteadyState() {
		this.before = steadyState();
		events.clear();
	}

	// Faults while a call runs

	@Test
	void segfaultInNativeCodeDuringACall() {
		long pid = service.pid();
		WorkerCrashedException crash = expectWithin(CALL_TIMEOUT, WorkerCrashedException.class, service::segfault);
		assertThat(crash.workerPid()).hasValue(pid);
		// The JVM catches the SIGSEGV, writes its fatal error log and, with core dumps
		// off (the pool's -XX:-CreateCoredumpOnCrash), exits with status 1 rather than
		// abort: the signal comes from the log.
		assertThat(crash.exitStatus()).hasValue(1);
		assertThat(crash.signal()).isEqualTo("SIGSEGV");
		assertThat(crash.fatalErrorSummary()).startsWith("SIGSEGV").contains("problematic frame");
		assertThat(crash.getMessage()).contains("SIGSEGV").contains("pool 'faulty'");
		assertThat(crash.summary()).isEqualTo("Worker pid " + pid + " of pool 'faulty' crashed: signal SIGSEGV");
		deleteFatalErrorLog(crash.fatalErrorSummary());
		assertRecovered(pid, true);
	}

	@Test
	void systemExitDuringACall() {
		long pid = service.pid();
		WorkerCrashedException crash = expectWithin(CALL_TIMEOUT, WorkerCrashedException.class, () -> service.exit(3));
		assertThat(crash.workerPid()).hasValue(pid);
		assertThat(crash.exitStatus()).hasValue(3);
		assertThat(crash.signal()).isNull();
		assertThat(crash.getMessage()).contains("exit code 3");
		assertThat(crash.summary()).isEqualTo("Worker pid " + pid + " of pool 'faulty' crashed: exit status 3");
		assertRecovered(pid, true);
	}

	@Test
	void runtimeHaltDuringACall() {
		long pid = service.pid();
		WorkerCrashedException crash = expectWithin(CALL_TIMEOUT, WorkerCrashedException.class, () -> service.halt(5));
		assertThat(crash.exitStatus()).hasValue(5);
		assertThat(crash.signal()).isNull();
		assertRecovered(pid, true);
	}

	@Test
	void outOfMemoryDuringACall() {
		long pid = service.pid();
		WorkerCrashedException crash = expectWithin(CALL_TIMEOUT, WorkerCrashedException.class, service::exhaustHeap);
		// -XX:+ExitOnOutOfMemoryError, which the pool always sets, exits with status 3.
		assertThat(crash.exitStatus()).hasValue(3);
		assertThat(crash.lastErrorLines())
			.anyMatch((line) -> line.contains("Terminating due to java.lang.OutOfMemoryError"));
		assertRecovered(pid, true);
	}

	@Test
	void stackOverflowComesBackAsAnExceptionAndTheWorkerSurvives() {
		long pid = service.pid();
		RemoteServiceException error = expectWithin(CALL_TIMEOUT, RemoteServiceException.class,
				() -> service.recurseForever(0));
		assertThat(error.remoteClassName()).isEqualTo(StackOverflowError.class.getName());
		assertThat(error.workerPid()).hasValue(pid);
		assertRecovered(pid, false);
	}

	@Test
	void infiniteJavaLoopTimesOut() {
		long pid = service.pid();
		CallTimeoutException timeout = expectWithin(HANG_TIMEOUT, CallTimeoutException.class, service::spin);
		assertThat(timeout.timeout()).isEqualTo(HANG_TIMEOUT);
		assertThat(timeout.workerPid()).hasValue(pid);
		assertRecovered(pid, true);
	}

	@Test
	void nativeSleepThatNeverReturnsTimesOut() {
		long pid = service.pid();
		CallTimeoutException timeout = expectWithin(HANG_TIMEOUT, CallTimeoutException.class,
				() -> service.sleepNatively(3600));
		assertThat(timeout.timeout()).isEqualTo(HANG_TIMEOUT);
		assertRecovered(pid, true);
	}

	@Test
	void sigkillFromOutsideDuringACall() throws Exception {
		long pid = service.pid();
		Path marker = this.markers.resolve("in-call");
		long start = System.nanoTime();
		CompletableFuture<Throwable> call = CompletableFuture
			.supplyAsync(() -> catchThrowable(() -> service.markAndSleep(marker.toString(), 60_000)));
		await("the call has started in the worker").atMost(RECOVERY).until(() -> Files.exists(marker) || call.isDone());
		assertThat(call).isNotDone();
		ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
		Throwable thrown = call.get(CALL_TIMEOUT.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
		assertWithin(CALL_TIMEOUT, start);
		assertThat(thrown).isInstanceOf(WorkerCrashedException.class);
		WorkerCrashedException crash = (WorkerCrashedException) thrown;
		assertThat(crash.signal()).isEqualTo("SIGKILL");
		assertThat(crash.exitStatus()).hasValue(128 + 9);
		assertRecovered(pid, true);
	}

	@Test
	void garbageOnStandardOutputBreaksNothing() {
		long pid = service.pid();
		assertThat(service.writeGarbageToStdout(42)).isEqualTo(42);
		assertThat(service.compute(2)).isEqualTo(69);
		assertRecovered(pid, false);
		assertThat(events).isEmpty();
	}

	@Test
	void garbageOnTheChannelKillsTheWorker() {
		long pid = service.pid();
		WorkerCrashedException crash = expectWithin(CALL_TIMEOUT, WorkerCrashedException.class,
				service::writeGarbageToChannel);
		assertThat(crash).hasCauseInstanceOf(MalformedFrameException.class);
		assertThat(crash.signal()).isEqualTo("SIGKILL");
		assertRecovered(pid, true);
	}

	@Test
	void outOfOrderReplyKillsTheWorker() {
		long pid = service.pid();
		WorkerCrashedException crash = expectWithin(CALL_TIMEOUT, WorkerCrashedException.class,
				service::replyOutOfOrder);
		assertThat(crash.getMessage()).contains("out-of-order");
		assertThat(crash.signal()).isEqualTo("SIGKILL");
		assertRecovered(pid, true);
	}

	@Test
	void secondReplyBeforeTheFirstWasTakenKillsTheWorker() {
		long pid = service.pid();
		WorkerCrashedException crash = expectWithin(CALL_TIMEOUT, WorkerCrashedException.class, service::replyTwice);
		assertThat(crash.getMessage()).contains("second message").contains("was killed");
		assertThat(crash.signal()).isEqualTo("SIGKILL");
		assertRecovered(pid, true);
	}

	@Test
	void oversizedReplyKillsTheWorker() {
		long pid = service.pid();
		WorkerCrashedException crash = expectWithin(CALL_TIMEOUT, WorkerCrashedException.class,
				service::replyOversized);
		assertThat(crash).hasCauseInstanceOf(FrameTooLargeException.class);
		assertRecovered(pid, true);
	}

	// Faults while the worker is idle: no caller notices.

	@Test
	void segfaultWhileIdle() {
		deleteFatalErrorLog(
				assertIdleDeathGoesUnnoticed(Fault.SEGFAULT, "exit code 1", "SIGSEGV", "problematic frame"));
	}

	@Test
	void systemExitWhileIdle() {
		assertIdleDeathGoesUnnoticed(Fault.EXIT, "exit code 3");
	}

	@Test
	void runtimeHaltWhileIdle() {
		assertIdleDeathGoesUnnoticed(Fault.HALT, "exit code 4");
	}

	@Test
	void outOfMemoryWhileIdle() {
		assertIdleDeathGoesUnnoticed(Fault.OUT_OF_MEMORY, "exit code 3");
	}

	@Test
	void sigkillFromOutsideWhileIdleAndACallAtOnce() {
		long pid = service.pid();
		long crashes = pool.snapshot().crashes();
		// No waiting between the kill and the call: the call may reach the worker before
		// the pool has heard of its death, or even before it is dead.
		ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
		assertThat(service.compute(3)).isEqualTo(100);
		assertThat(service.pid()).isNotEqualTo(pid);
		await("the crash is counted").atMost(RECOVERY).until(() -> pool.snapshot().crashes() == crashes + 1);
		assertThat(crashEvent(pid).detail()).contains("signal SIGKILL");
		assertResourcesBack();
	}

	@Test
	void garbageOnStandardOutputWhileIdleBreaksNothing() {
		long pid = service.pid();
		Path done = this.markers.resolve("garbage-written");
		service.faultWhileIdle(Fault.STDOUT_GARBAGE, 0, done.toString());
		// Calls run while the garbage is written, and after.
		for (int i = 0; !Files.exists(done) || i < 20; i++) {
			assertThat(service.compute(i)).isEqualTo(i * 31L + 7);
		}
		assertRecovered(pid, false);
		assertThat(events).isEmpty();
	}

	@Test
	void garbageOnTheChannelWhileIdleFailsTheNextCallOnly() {
		// Nobody reads an idle worker's channel, so the garbage is found by the next
		// call,
		// which fails as for garbage during a call; the one after it succeeds.
		long pid = service.pid();
		Path done = this.markers.resolve("garbage-written");
		// After the reply to this call is read, or the garbage would fail this call.
		service.faultWhileIdle(Fault.CHANNEL_GARBAGE, 200, done.toString());
		await("the garbage is written").atMost(RECOVERY).until(() -> Files.exists(done));
		WorkerCrashedException crash = expectWithin(CALL_TIMEOUT, WorkerCrashedException.class,
				() -> service.compute(4));
		assertThat(crash).hasCauseInstanceOf(MalformedFrameException.class);
		assertRecovered(pid, true);
	}

	/**
	 * The call right after the death succeeds: either the pool has heard of it and
	 * replaced the worker, or the call finds the worker dead before handing it over and
	 * goes to the replacement. Either way the death is counted and described.
	 */
	private String assertIdleDeathGoesUnnoticed(Fault fault, String... described) {
		long pid = service.pid();
		long crashes = pool.snapshot().crashes();
		service.faultWhileIdle(fault, 100, this.markers.resolve("unused").toString());
		awaitExit(pid);
		// At once: the pool may not have heard of the death yet.
		assertThat(service.compute(3)).isEqualTo(100);
		assertThat(service.pid()).isNotEqualTo(pid);
		await("the crash is counted").atMost(RECOVERY).until(() -> pool.snapshot().crashes() == crashes + 1);
		String detail = crashEvent(pid).detail();
		assertThat(detail).contains("died while idle").contains(described);
		assertResourcesBack();
		return detail;
	}

	/**
	 * The next call succeeds, on a new worker when the fault killed the old one; the old
	 * one is gone; and the resources are back.
	 */
	private void assertRecovered(long pid, boolean replaced) {
		assertThat(service.compute(5)).isEqualTo(162);
		if (replaced) {
			assertThat(service.pid()).isNotEqualTo(pid);
			assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
		}
		else {
			assertThat(service.pid()).isEqualTo(pid);
		}
		assertResourcesBack();
	}

	private void assertResourcesBack() {
		try {
			ProcessResources.awaitBackTo(this.before, () -> pids(pool), RECOVERY);
		}
		catch (AssertionError ex) {
			throw new AssertionError(ex.getMessage() + "\npool events: " + events, ex);
		}
		assertThat(pool.snapshot().workers()).hasSize(1);
	}

	private static <T extends Throwable> T expectWithin(Duration callTimeout, Class<T> type, Runnable call) {
		long start = System.nanoTime();
		Throwable thrown = catchThrowable(call::run);
		assertWithin(callTimeout, start);
		assertThat(thrown).isInstanceOf(type);
		assertThat(((WorkerPoolException) thrown).poolName()).isEqualTo("faulty");
		return type.cast(thrown);
	}

	private static void assertWithin(Duration callTimeout, long start) {
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		assertThat(elapsed).as("time until the caller got its answer").isLessThan(callTimeout.plus(SLACK));
	}

	private static PoolEvent crashEvent(long pid) {
		return events.stream()
			.filter((event) -> event.type() == PoolEvent.Type.WORKER_CRASHED && event.workerPid() == pid)
			.findFirst()
			.orElseThrow(() -> new AssertionError("No WORKER_CRASHED event for pid " + pid + " in " + events));
	}

	/** Wait until the worker's process has exited, as the operating system tells. */
	private static void awaitExit(long pid) {
		Optional<ProcessHandle> handle = ProcessHandle.of(pid);
		await("worker pid " + pid + " has exited").atMost(RECOVERY)
			.until(() -> handle.map((h) -> !h.isAlive()).orElse(true));
	}

	/** The baseline: one idle worker, nothing starting, and the resources settled. */
	private static ProcessResources steadyState() {
		await("the pool has settled at one idle worker").atMost(RECOVERY).until(() -> {
			PoolSnapshot snapshot = pool.snapshot(false);
			return snapshot.workers().size() == 1 && snapshot.startingWorkers() == 0 && snapshot.busyWorkers() == 0;
		});
		return ProcessResources.awaitSettled(() -> pids(pool), RECOVERY);
	}

}
