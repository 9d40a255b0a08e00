package dev.ceramic.pool;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ceramic.process.LaunchMode;
import dev.ceramic.process.ProcOptions;
import dev.ceramic.process.StartupArchive;
import dev.ceramic.process.StartupArchiveChecksum;
import dev.ceramic.test.pool.JarClasspath;
import dev.ceramic.test.pool.TestPools;
import dev.ceramic.test.pool.TestService;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import static dev.ceramic.test.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pool trains a class-data archive on a whole worker of its own and later workers map
 * it; an archive in the cache that is damaged or that the JVM refuses is never handed to
 * a worker, and workers start all the same. On JDK 17 (dynamic CDS) and, when it is
 * installed, Temurin 25 (AOT cache).
 */
@Timeout(300)
class WorkerTrainingTests {

	private static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

	@TempDir
	Path temp;

	static Stream<Path> javaHomes() {
		List<Path> homes = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"))));
		if (Files.isExecutable(TEMURIN_25.resolve("bin/java"))) {
			homes.add(TEMURIN_25);
		}
		return homes.stream();
	}

	@ParameterizedTest
	@MethodSource("javaHomes")
	void laterWorkersMapAnArchiveTrainedOnAWholeWorker(Path javaHome) throws Exception {
		Path cache = this.temp.resolve("cache");
		String classpath = JarClasspath.of(Files.createDirectory(this.temp.resolve("jars")));
		Logger training = (Logger) LoggerFactory.getLogger("ceramic.proc.training-trained-training");
		ListAppender<ILoggingEvent> trainingOutput = new ListAppender<>();
		trainingOutput.start();
		training.addAppender(trainingOutput);
		Path archive;
		try {
			archive = awaitMappedArchive(javaHome, cache, classpath, "trained");
		}
		finally {
			training.detachAppender(trainingOutput);
		}
		assertThat(archive).startsWith(cache);
		// What the training JVM writes on standard error (JDK 25 says what it recorded
		// and wrote) is not a warning.
		synchronized (trainingOutput) {
			assertThat(trainingOutput.list).noneMatch((event) -> event.getLevel().isGreaterOrEqual(Level.WARN));
			if (javaHome.equals(TEMURIN_25)) {
				assertThat(trainingOutput.list).isNotEmpty();
			}
		}
		assertThat(Files.readString(archive.resolveSibling(StartupArchiveChecksum.FILE))).startsWith("crc32c=");

		// A damaged archive in the cache (truncated, which crashes a JDK 17 that maps
		// it) is made again; workers never see it.
		Path damaged = this.temp.resolve("damaged");
		copyTree(cache, damaged);
		Path copy = damaged.resolve(cache.relativize(archive));
		try (RandomAccessFile file = new RandomAccessFile(copy.toFile(), "rw")) {
			file.setLength(file.length() / 2);
		}
		ListAppender<ILoggingEvent> log = capture();
		Path remade = awaitMappedArchive(javaHome, damaged, classpath, "damaged");
		assertThat(remade).isEqualTo(copy);
		assertThat(messages(log)).anyMatch((message) -> message.contains("is damaged"));

		// One the JVM refuses, though its checksum matches, as it would one of another
		// JDK or other options: its header is not an archive's. Workers start all the
		// same, do not map it, and one line says why.
		Path refused = this.temp.resolve("refused");
		copyTree(cache, refused);
		Path refusedCopy = refused.resolve(cache.relativize(archive));
		byte[] noise = new byte[64 * 1024];
		new java.util.Random(13).nextBytes(noise);
		Files.write(refusedCopy, noise);
		Files.writeString(refusedCopy.resolveSibling(StartupArchiveChecksum.FILE),
				StartupArchiveChecksum.of(refusedCopy));
		ListAppender<ILoggingEvent> refusals = capture();
		try (WorkerPool pool = pool(javaHome, refused, classpath, "refused")) {
			TestService service = pool.proxy(TestService.class);
			await("the refusal is logged")
				.until(() -> messages(log).stream().anyMatch((message) -> message.contains("the JVM refuses it")));
			for (int i = 0; i < 3; i++) {
				long pid = service.pid();
				assertThat(mappedArchive(pid, refused)).isEmpty();
				ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
				await("the worker is replaced")
					.until(() -> !TestPools.pids(pool).contains(pid) && pool.snapshot(false).idleWorkers() == 1);
			}
			assertThat(messages(refusals).stream().filter((message) -> message.contains("refuses"))).hasSize(1);
		}
	}

	/** Start a pool, and replace its worker until one maps an archive; return it. */
	private Path awaitMappedArchive(Path javaHome, Path cache, String classpath, String name) {
		try (WorkerPool pool = pool(javaHome, cache, classpath, name)) {
			TestService service = pool.proxy(TestService.class);
			await("the archive is in the cache").until(() -> archiveIn(cache));
			Path[] mapped = new Path[1];
			await("a worker maps the trained archive").until(() -> {
				long pid = service.pid();
				Optional<Path> archive = mappedArchive(pid, cache);
				if (archive.isPresent()) {
					assertThat(commandLine(pid)).contains(archive.get().toString());
					mapped[0] = archive.get();
					return true;
				}
				ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
				Thread.sleep(200);
				return false;
			});
			return mapped[0];
		}
	}

	private static WorkerPool pool(Path javaHome, Path cache, String classpath, String name) {
		ProcOptions launch = ProcOptions.builder()
			.javaHome(javaHome)
			.launchMode(LaunchMode.classpath(classpath))
			.startupCacheDirectory(cache)
			.jvmArguments("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
			.build();
		return TestPools
			.start(TestPools.settings("training-" + name).minWorkers(1).maxWorkers(1).launch(launch).build());
	}

	private static boolean archiveIn(Path cache) throws IOException {
		try (Stream<Path> entries = Files.list(cache)) {
			return entries.anyMatch((entry) -> entry.getFileName().toString().startsWith("archive-")
					&& Files.isRegularFile(entry.resolve(StartupArchiveChecksum.FILE)));
		}
	}

	/** The class-data archive a process maps from the start-up cache, if any. */
	static Optional<Path> mappedArchive(long pid, Path cache) throws IOException {
		try (Stream<String> maps = Files.lines(Path.of("/proc", Long.toString(pid), "maps"))) {
			return maps.map((line) -> line.substring(line.lastIndexOf(' ') + 1))
				.filter((file) -> file.endsWith("/classes.jsa") || file.endsWith("/classes.aot"))
				.map(Path::of)
				.filter((file) -> file.startsWith(cache))
				.findFirst();
		}
	}

	private static String commandLine(long pid) throws IOException {
		return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
			.replace('\0', ' ');
	}

	private static void copyTree(Path from, Path to) throws IOException {
		try (Stream<Path> paths = Files.walk(from)) {
			for (Path path : (Iterable<Path>) paths::iterator) {
				Path target = to.resolve(from.relativize(path));
				if (Files.isDirectory(path)) {
					Files.createDirectories(target);
					Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(path));
				}
				else {
					Files.copy(path, target);
				}
			}
		}
	}

	private static ListAppender<ILoggingEvent> capture() {
		Logger logger = (Logger) LoggerFactory.getLogger(StartupArchive.class);
		logger.setLevel(Level.INFO);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		return appender;
	}

	private static List<String> messages(ListAppender<ILoggingEvent> appender) {
		synchronized (appender) {
			return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
		}
	}

}
