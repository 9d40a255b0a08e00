package dev.ceramic.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ceramic.Durations;
import dev.ceramic.test.pool.TestPools;
import dev.ceramic.test.pool.TestService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.holdAWorker;
import static dev.ceramic.test.pool.TestPools.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The pool counts the workers it starts by reason (its first min-workers, replacements of
 * lost ones, growth under load), and logs one WARN for each crash or timeout and one INFO
 * for each recycle, with the reason.
 */
@Timeout(120)
class PoolStartsAndLogsTests {

	private final Logger logger = (Logger) LoggerFactory.getLogger(WorkerPool.class);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private Level level;

	@TempDir
	Path temp;

	@BeforeEach
	void captureLogs() {
		this.appender.start();
		this.level = this.logger.getLevel();
		this.logger.setLevel(Level.INFO);
		this.logger.addAppender(this.appender);
	}

	@AfterEach
	void restoreLogs() {
		this.logger.detachAppender(this.appender);
		this.logger.setLevel(this.level);
	}

	@Test
	void aCrashIsLoggedOnceAndItsWorkerCountsAsAReplacementNotGrowth() {
		try (WorkerPool pool = TestPools.start(settings("starts-crash").minWorkers(2).maxWorkers(2).build())) {
			TestService service = pool.proxy(TestService.class);
			long victim = service.pid();
			assertThatExceptionOfType(WorkerCrashedException.class).isThrownBy(() -> service.exit(3));
			await("the crashed worker is replaced").until(() -> pool.snapshot(false).idleWorkers() == 2);
			PoolSnapshot snapshot = pool.snapshot(false);
			assertThat(snapshot.workersStarted()).isEqualTo(3);
			assertThat(snapshot.replacements()).isOne();
			assertThat(snapshot.growth()).isZero();
			assertThat(warnings()).singleElement()
				.satisfies((message) -> assertThat(message).contains("Worker pid " + victim)
					.contains("pool 'starts-crash'")
					.contains("TestService.exit(int)")
					.contains("exit code 3"));
		}
	}

	@Test
	void eachWorkerTellsHowLongItTookToStartAndWhatItCosts() {
		this.logger.setLevel(Level.DEBUG);
		long before = System.nanoTime();
		try (WorkerPool pool = TestPools.start(settings("starts-cost").minWorkers(2).maxWorkers(2).build())) {
			Duration sinceStart = Duration.ofNanos(System.nanoTime() - before);
			List<PoolSnapshot.WorkerSnapshot> workers = pool.snapshot().workers();
			assertThat(workers).hasSize(2).allSatisfy((worker) -> {
				assertThat(worker.startupTime()).isPositive().isLessThan(sinceStart);
				// Two workers of one JDK share its libraries' pages, so each one's share
				// is less than all it maps.
				assertThat(worker.proportionalMemory()).isPositive().isLessThan(worker.residentMemory());
				// The line is logged just after the worker joins the pool, so it may lag
				// start().
				String line = "Worker pid " + worker.pid() + " of pool 'starts-cost' started in "
						+ Durations.formatMillis(worker.startupTime());
				await("the start of worker " + worker.pid() + " is logged")
					.until(() -> messages(Level.DEBUG).stream().anyMatch((logged) -> logged.startsWith(line)));
			});
		}
	}

	@Test
	void aTimeoutIsLoggedOnceWithTheMethodAndTheTimeout() {
		try (WorkerPool pool = TestPools.start(settings("starts-timeout").maxWorkers(1).build())) {
			TestService service = pool.proxy(TestService.class);
			long victim = service.pid();
			assertThatExceptionOfType(CallTimeoutException.class)
				.isThrownBy(() -> service.sleepWithShortTimeout(60_000));
			await("the timed-out worker is replaced").until(() -> pool.snapshot(false).replacements() == 1);
			assertThat(pool.snapshot(false).growth()).isZero();
			assertThat(warnings()).singleElement()
				.satisfies((message) -> assertThat(message).contains("worker pid " + victim)
					.contains("pool 'starts-timeout'")
					.contains("TestService.sleepWithShortTimeout(long)")
					.contains("within its timeout of 500ms")
					.contains("killed"));
		}
	}

	@Test
	void aRecycleIsLoggedAtInfoWithItsReasonAndItsWorkerCountsAsAReplacement() {
		try (WorkerPool pool = TestPools.start(settings("starts-recycle").maxWorkers(1).maxCallsPerWorker(1).build())) {
			long recycled = pool.proxy(TestService.class).pid();
			await("the recycled worker is replaced").until(() -> pool.snapshot(false).replacements() == 1);
			PoolSnapshot snapshot = pool.snapshot(false);
			assertThat(snapshot.recycles()).isOne();
			assertThat(snapshot.growth()).isZero();
			assertThat(snapshot.crashes()).isZero();
			assertThat(infos()).filteredOn((message) -> message.contains("recycled"))
				.singleElement()
				.satisfies((message) -> assertThat(message).contains("Worker pid " + recycled)
					.contains("pool 'starts-recycle'")
					.contains("after 1 calls"));
			assertThat(warnings()).isEmpty();
		}
	}

	@Test
	void aWorkerStartedForAWaitingCallCountsAsGrowth() throws Exception {
		Path release = this.temp.resolve("release");
		try (WorkerPool pool = TestPools.start(settings("starts-growth").minWorkers(1).maxWorkers(2).build())) {
			CompletableFuture<Long> held = holdAWorker(pool, "held", release);
			long other = pool.proxy(TestService.class).pid();
			Files.createFile(release);
			assertThat(held.get()).isNotEqualTo(other);
			PoolSnapshot snapshot = pool.snapshot(false);
			assertThat(snapshot.workersStarted()).isEqualTo(2);
			assertThat(snapshot.growth()).isOne();
			assertThat(snapshot.replacements()).isZero();
		}
	}

	private List<String> warnings() {
		return messages(Level.WARN);
	}

	private List<String> infos() {
		return messages(Level.INFO);
	}

	private List<String> messages(Level level) {
		// A pool thread may be appending; the appender appends under its own lock.
		synchronized (this.appender) {
			return this.appender.list.stream()
				.filter((event) -> event.getLevel() == level)
				.map(ILoggingEvent::getFormattedMessage)
				.toList();
		}
	}

}
