package dev.ceramic.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ceramic.test.pool.LimitsService;
import dev.ceramic.test.pool.LimitsServiceImpl;
import dev.ceramic.test.pool.TestPools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.pids;
import static dev.ceramic.test.pool.TestPools.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Limits the kernel enforces on each worker alone: passing one ends that worker with a
 * crash that names the limit, the pool replaces it, and the application is untouched.
 */
@Timeout(180)
class PoolLimitsTests {

	private static final long MEBIBYTE = 1024 * 1024;

	@Test
	void aWorkerLeakingNativeMemoryPastTheDataSizeLimitEndsWithACrashThatNamesItAndIsReplaced() throws IOException {
		// A test worker (-Xmx64m, serial GC) maps about 100 MB of private writable
		// memory once started, its whole heap included.
		WorkerPoolSettings settings = settings("limits-data").maxWorkers(1).dataSizeLimit(256 * MEBIBYTE).build();
		try (WorkerPool pool = build(settings)) {
			LimitsService service = pool.proxy(LimitsService.class);
			long first = service.pid();
			long rssBefore = residentBytes("self");
			assertThatExceptionOfType(WorkerCrashedException.class).isThrownBy(() -> service.leakNative(2048))
				.satisfies((ex) -> {
					assertThat(ex.getMessage()).contains("exceeded limits.data-size of 256MB")
						.contains("OutOfMemoryError");
					assertThat(ex.exitStatus()).hasValue(3);
				});
			long second = service.pid();
			assertThat(second).isNotEqualTo(first);
			assertThat(service.leakNative(16)).isEqualTo(16);
			// The gigabytes the worker tried to take were never the application's.
			assertThat(residentBytes("self") - rssBefore).isLessThan(64 * MEBIBYTE);
		}
	}

	@Test
	void aWorkerSpinningPastTheCpuTimeLimitEndsWithSigxcpuAndACrashThatNamesItAndIsReplaced() {
		WorkerPoolSettings settings = settings("limits-cpu").maxWorkers(1).cpuTimeLimit(Duration.ofSeconds(4)).build();
		try (WorkerPool pool = build(settings)) {
			LimitsService service = pool.proxy(LimitsService.class);
			long first = service.pid();
			assertThatExceptionOfType(WorkerCrashedException.class).isThrownBy(service::spin).satisfies((ex) -> {
				assertThat(ex.getMessage()).contains("exceeded limits.cpu-time of 4s");
				assertThat(ex.signal()).isEqualTo("SIGXCPU");
			});
			assertThat(service.pid()).isNotEqualTo(first);
		}
	}

	@Test
	void aServiceOpeningFilesPastTheOpenFilesLimitFailsItsCallAndTheWorkerKeepsServing() throws IOException {
		WorkerPoolSettings settings = settings("limits-files").maxWorkers(1).openFilesLimit(128).build();
		try (WorkerPool pool = build(settings)) {
			LimitsService service = pool.proxy(LimitsService.class);
			long pid = service.pid();
			assertThat(limitsOf(pid))
				.anySatisfy((line) -> assertThat(line).matches("Max open files\\s+128\\s+128\\s.*"));
			assertThat(service.openFiles(16)).isEqualTo(16);
			// FileNotFoundException is not the declared IOException itself, so it comes
			// back under its own name.
			assertThatExceptionOfType(RemoteServiceException.class).isThrownBy(() -> service.openFiles(200))
				.withMessageContaining("java.io.FileNotFoundException")
				.withMessageContaining("Too many open files");
			assertThat(service.pid()).isEqualTo(pid);
		}
	}

	@Test
	void coreDumpsOffSetsTheCoreFileLimitToZero() {
		WorkerPoolSettings settings = settings("limits-core").maxWorkers(1).coreDumps(false).build();
		try (WorkerPool pool = build(settings)) {
			long pid = pool.proxy(LimitsService.class).pid();
			assertThat(limitsOf(pid))
				.anySatisfy((line) -> assertThat(line).matches("Max core file size\\s+0\\s+0\\s.*"));
		}
	}

	@Test
	void limitsAreSoftAndHardSoThatAWorkerCannotRaiseThem() {
		WorkerPoolSettings settings = settings("limits-hard").maxWorkers(1)
			.dataSizeLimit(512 * MEBIBYTE)
			.cpuTimeLimit(Duration.ofMillis(59_500))
			.build();
		try (WorkerPool pool = build(settings)) {
			long pid = pool.proxy(LimitsService.class).pid();
			List<String> limits = limitsOf(pid);
			assertThat(limits).anySatisfy((line) -> assertThat(line)
				.matches("Max data size\\s+" + 512 * MEBIBYTE + "\\s+" + 512 * MEBIBYTE + "\\s.*"));
			// Rounded up to a whole minute; the hard limit one second later, so
			// SIGXCPU comes first.
			assertThat(limits).anySatisfy((line) -> assertThat(line).matches("Max cpu time\\s+60\\s+61\\s.*"));
		}
	}

	@Test
	void byDefaultAWorkerInheritsTheApplicationsLimitsButWritesNoCoreFile() {
		WorkerPoolSettings settings = settings("limits-default").maxWorkers(1).build();
		try (WorkerPool pool = build(settings)) {
			long pid = pool.proxy(LimitsService.class).pid();
			List<String> mine = limitsOf(ProcessHandle.current().pid());
			List<String> workers = limitsOf(pid);
			assertThat(workers).anySatisfy((line) -> assertThat(line).matches("Max core file size\\s+0\\s+0\\s.*"));
			assertThat(workers.stream().filter((line) -> !line.startsWith("Max core file size")))
				.containsExactlyElementsOf(
						mine.stream().filter((line) -> !line.startsWith("Max core file size")).toList());
		}
	}

	@Test
	void withCoreDumpsAndNoLimitsAWorkerInheritsAllOfTheApplicationsLimits() {
		WorkerPoolSettings settings = settings("limits-none").maxWorkers(1).coreDumps(true).build();
		try (WorkerPool pool = build(settings)) {
			long pid = pool.proxy(LimitsService.class).pid();
			assertThat(limitsOf(pid)).isEqualTo(limitsOf(ProcessHandle.current().pid()));
		}
	}

	@Test
	void aPoolWithADataSizeLimitSaysOnceAtStartThatItPlacesWorkersInNoCgroup() {
		Logger logger = (Logger) LoggerFactory.getLogger(WorkerPool.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		Level level = logger.getLevel();
		logger.setLevel(Level.INFO);
		logger.addAppender(appender);
		try {
			try (WorkerPool pool = build(settings("limits-log").maxWorkers(1).dataSizeLimit(512 * MEBIBYTE).build())) {
				pool.proxy(LimitsService.class).pid();
			}
			try (WorkerPool pool = build(settings("limits-log-none").maxWorkers(1).build())) {
				pool.proxy(LimitsService.class).pid();
			}
			assertThat(appender.list).filteredOn((event) -> event.getFormattedMessage().contains("cgroup"))
				.singleElement()
				.satisfies((event) -> assertThat(event.getFormattedMessage()).contains("'limits-log'")
					.contains("memory.max"));
		}
		finally {
			logger.detachAppender(appender);
			logger.setLevel(level);
		}
	}

	@Test
	void limitsThatAreNotPositiveAreRejectedByTheirPropertyNames() {
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> settings("limits-invalid").dataSizeLimit(0L)
				.cpuTimeLimit(Duration.ofSeconds(-1))
				.openFilesLimit(0)
				.build())
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("limits.data-size")
				.contains("limits.cpu-time")
				.contains("limits.open-files"));
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> settings("limits-invalid").cpuTimeLimit(Duration.ZERO).build())
			.withMessageContaining("limits.cpu-time");
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> settings("limits-invalid").dataSizeLimit(-1L).build())
			.withMessageContaining("limits.data-size");
		WorkerPoolSettings.Limits limits = settings("limits-valid").dataSizeLimit(MEBIBYTE)
			.cpuTimeLimit(Duration.ofSeconds(1))
			.openFilesLimit(1)
			.coreDumps(false)
			.build()
			.limits();
		assertThat(limits).isEqualTo(new WorkerPoolSettings.Limits(MEBIBYTE, Duration.ofSeconds(1), 1, false));
	}

	private static WorkerPool build(WorkerPoolSettings settings) {
		WorkerPool pool = WorkerPool.builder(settings).service(LimitsService.class, LimitsServiceImpl.class).build();
		pool.start();
		if (!pool.awaitReady(TestPools.PATIENCE)) {
			PoolSnapshot snapshot = pool.snapshot(false);
			pool.close();
			throw new AssertionError("Pool '" + settings.name() + "' did not get ready: " + snapshot);
		}
		await("the pool's one worker is listed").until(() -> pids(pool).size() == 1);
		return pool;
	}

	private static List<String> limitsOf(long pid) {
		try {
			return Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"));
		}
		catch (IOException ex) {
			throw new AssertionError("Could not read the limits of pid " + pid, ex);
		}
	}

	private static long residentBytes(String pid) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		throw new IOException("No VmRSS in /proc/" + pid + "/status");
	}

}
