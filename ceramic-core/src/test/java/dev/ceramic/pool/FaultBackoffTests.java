package dev.ceramic.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.ceramic.test.pool.FaultyService;
import dev.ceramic.test.pool.FaultyServiceImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.ceramic.test.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Replacement backs off when workers crash in a row, during calls or while idle, and the
 * backoff starts over after a call succeeds. Each gap is measured from the crash event to
 * the replacement's start event, in real worker JVMs; a gap is the backoff plus a start,
 * so only its lower bound, the backoff, is asserted.
 */
@Timeout(120)
class FaultBackoffTests {

	private static final Duration BACKOFF = Duration.ofMillis(300);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private final List<TimedEvent> events = new CopyOnWriteArrayList<>();

	private WorkerPool pool;

	private FaultyService service;

	@BeforeEach
	void startPool() {
		this.pool = WorkerPool
			.builder(WorkerPoolSettings.builder("backoff")
				.minWorkers(1)
				.maxWorkers(1)
				.callTimeout(Duration.ofSeconds(2))
				// A call after a crash waits for the backed-off replacement.
				.acquireTimeout(PATIENCE)
				.restartBackoff(BACKOFF, MAX_BACKOFF)
				.jvmArguments(List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
				.build())
			.service(FaultyService.class, FaultyServiceImpl.class)
			.listener((event) -> this.events.add(new TimedEvent(event, System.nanoTime())))
			.build();
		this.pool.start();
		assertThat(this.pool.awaitReady(PATIENCE)).isTrue();
		this.service = this.pool.proxy(FaultyService.class);
	}

	@AfterEach
	void stopPool() {
		this.pool.close();
	}

	@Test
	void crashesInARowWithoutASuccessDoubleTheBackoff() {
		// Calls that crash one after another, with no call succeeding in between: each
		// one is the first call of the replacement of the previous one.
		List<Duration> gaps = new ArrayList<>();
		long pid = this.service.pid();
		for (int crash = 0; crash < 4; crash++) {
			assertThat(catchThrowable(() -> this.service.exit(7))).isInstanceOf(WorkerCrashedException.class);
			long crashed = pid;
			await("the replacement of pid " + crashed).atMost(PATIENCE)
				.until(() -> startedAfterCrashOf(crashed) != null);
			gaps.add(gapFromCrashToReplacement(crashed));
			pid = startedAfterCrashOf(crashed).event().workerPid();
		}
		System.out.println("Crash to replacement, crashes in a row: " + gaps);
		for (int i = 0; i < gaps.size(); i++) {
			Duration backoff = BACKOFF.multipliedBy(1L << i);
			assertThat(gaps.get(i)).as("gap after crash %d in a row, backoff %s", i + 1, backoff)
				.isGreaterThanOrEqualTo(backoff);
		}
		// A success resets the count: the next crash waits the first backoff again, not
		// the fifth (4.8 s); its gap is shorter than the fourth, which waited 2.4 s.
		assertThat(this.service.compute(1)).isEqualTo(38);
		long last = this.service.pid();
		assertThat(catchThrowable(() -> this.service.exit(7))).isInstanceOf(WorkerCrashedException.class);
		Duration afterSuccess = gapFromCrashToReplacement(last);
		System.out.println("Crash to replacement after a success: " + afterSuccess);
		assertThat(afterSuccess).isGreaterThanOrEqualTo(BACKOFF).isLessThan(gaps.get(3));
	}

	@Test
	void idleWorkersKilledInARowBackOffToo() {
		List<Duration> gaps = new ArrayList<>();
		long pid = this.service.pid();
		for (int kill = 0; kill < 3; kill++) {
			long killed = pid;
			ProcessHandle.of(killed).ifPresent(ProcessHandle::destroyForcibly);
			await("the replacement of pid " + killed).atMost(PATIENCE).until(() -> startedAfterCrashOf(killed) != null);
			gaps.add(gapFromCrashToReplacement(killed));
			pid = startedAfterCrashOf(killed).event().workerPid();
		}
		System.out.println("Idle death to replacement, deaths in a row: " + gaps);
		for (int i = 0; i < gaps.size(); i++) {
			assertThat(gaps.get(i)).as("gap after idle death %d in a row", i + 1)
				.isGreaterThanOrEqualTo(BACKOFF.multipliedBy(1L << i));
		}
		assertThat(this.pool.snapshot().crashes()).isEqualTo(3);
		assertThat(this.service.compute(2)).isEqualTo(69);
	}

	private Duration gapFromCrashToReplacement(long pid) {
		await("the replacement of pid " + pid).atMost(PATIENCE).until(() -> startedAfterCrashOf(pid) != null);
		TimedEvent crash = crashOf(pid);
		return Duration.ofNanos(startedAfterCrashOf(pid).nanoTime() - crash.nanoTime());
	}

	private TimedEvent crashOf(long pid) {
		return this.events.stream()
			.filter((timed) -> timed.event().type() == PoolEvent.Type.WORKER_CRASHED
					&& timed.event().workerPid() == pid)
			.findFirst()
			.orElseThrow(() -> new AssertionError("No crash event for pid " + pid + " in " + this.events));
	}

	private TimedEvent startedAfterCrashOf(long pid) {
		TimedEvent crash = this.events.stream()
			.filter((timed) -> timed.event().type() == PoolEvent.Type.WORKER_CRASHED
					&& timed.event().workerPid() == pid)
			.findFirst()
			.orElse(null);
		if (crash == null) {
			return null;
		}
		return this.events.stream()
			.filter((timed) -> timed.event().type() == PoolEvent.Type.WORKER_STARTED
					&& timed.nanoTime() > crash.nanoTime())
			.findFirst()
			.orElse(null);
	}

	private record TimedEvent(PoolEvent event, long nanoTime) {

	}

}
