package dev.ceramic.sample;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.ceramic.process.ChildMain;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample application as a user runs it: {@code java -jar target/sample-app.jar} in
 * its own JVM, on a free loopback port, with its output in a log file under
 * {@code target/}. Also reads the process table, to find the workers the application
 * started.
 */
final class SampleAppProcess implements AutoCloseable {

	/** The executable jar that {@code package} builds. */
	static final Path JAR = Path.of("target", "sample-app.jar");

	/** The class every worker JVM runs; see {@code dev.ceramic.process.ChildMain}. */
	static final String CHILD_MAIN = "dev.ceramic.process.ChildMain";

	static final JsonMapper json = new JsonMapper();

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private final Process process;

	private final URI base;

	private final Path log;

	private final HttpClient http;

	private final Set<Long> seenWorkerPids = ConcurrentHashMap.newKeySet();

	private SampleAppProcess(Process process, URI base, Path log) {
		this.process = process;
		this.base = base;
		this.log = log;
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
	}

	/**
	 * Start the jar on a free loopback port and wait until it reports itself ready.
	 * @param log where the application's standard output and error go
	 * @param arguments more command-line arguments for the application
	 * @return the running application
	 */
	static SampleAppProcess start(Path log, String... arguments) throws IOException, InterruptedException {
		if (!Files.isRegularFile(JAR)) {
			throw new IllegalStateException(
					JAR.toAbsolutePath() + " is missing: the end-to-end tests run after package, as in ./mvnw verify");
		}
		int port = freePort();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-jar");
		command.add(JAR.toString());
		command.add("--server.port=" + port);
		// Loopback only: nothing outside this machine can reach the application.
		command.add("--server.address=127.0.0.1");
		command.addAll(Arrays.asList(arguments));
		Files.createDirectories(log.toAbsolutePath().getParent());
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(Redirect.to(log.toFile()))
			.redirectInput(Redirect.from(new File("/dev/null")))
			.start();
		// Should the test JVM itself be stopped, take the application with it; the
		// workers follow their parent within about 100 ms.
		Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "sample-app-killer"));
		SampleAppProcess app = new SampleAppProcess(process, URI.create("http://127.0.0.1:" + port), log);
		try {
			app.awaitReady();
		}
		catch (Throwable ex) {
			app.kill();
			throw ex;
		}
		return app;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private void awaitReady() throws InterruptedException {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		String last = "no answer yet";
		while (System.nanoTime() - deadline < 0) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("The application exited during start-up with status "
						+ this.process.exitValue() + "; its output:\n" + logTail());
			}
			try {
				HttpResponse<String> response = get("/actuator/health/readiness", Duration.ofSeconds(5));
				if (response.statusCode() == 200
						&& "UP".equals(json.readTree(response.body()).path("status").asString())) {
					return;
				}
				last = response.statusCode() + " " + response.body();
			}
			catch (IOException ex) {
				last = ex.toString();
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("The application was not ready within " + STARTUP_TIMEOUT + "; last answer: "
				+ last + "; its output:\n" + logTail());
	}

	long pid() {
		return this.process.pid();
	}

	Process process() {
		return this.process;
	}

	URI uri(String path) {
		return this.base.resolve(path);
	}

	HttpClient http() {
		return this.http;
	}

	HttpResponse<String> get(String path, Duration timeout) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(uri(path)).timeout(timeout).GET().build());
	}

	HttpResponse<String> post(String path, Duration timeout) throws IOException, InterruptedException {
		return send(
				HttpRequest.newBuilder(uri(path)).timeout(timeout).POST(HttpRequest.BodyPublishers.noBody()).build());
	}

	HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return this.http.send(request, BodyHandlers.ofString());
	}

	/**
	 * Read {@code /actuator/ceramic} for the {@code native} pool, and remember its
	 * workers' pids for the check that none is left after shutdown.
	 * @return the pool's snapshot
	 */
	JsonNode nativePool() throws IOException, InterruptedException {
		HttpResponse<String> response = get("/actuator/ceramic", Duration.ofSeconds(10));
		if (response.statusCode() != 200) {
			throw new IllegalStateException(
					"/actuator/ceramic answered " + response.statusCode() + ": " + response.body());
		}
		JsonNode pool = json.readTree(response.body()).path("pools").path("native");
		for (JsonNode worker : pool.path("workers")) {
			this.seenWorkerPids.add(worker.path("pid").asLong());
		}
		return pool;
	}

	/**
	 * Remember a worker pid seen elsewhere, such as in a response.
	 * @param pid the pid
	 */
	void sawWorker(long pid) {
		this.seenWorkerPids.add(pid);
	}

	Set<Long> seenWorkerPids() {
		return Set.copyOf(this.seenWorkerPids);
	}

	/**
	 * Return the worker processes of this application that are still running: every
	 * process whose command line runs {@link #CHILD_MAIN} with this application's pid as
	 * its parent.
	 * @return their pids and command lines
	 */
	Map<Long, List<String>> runningWorkers() {
		return workersOf(pid());
	}

	/**
	 * Return the running worker processes whose parent, by their command line, is the
	 * given pid. {@code ChildMain}'s arguments are the parent's pid, the maximum frame
	 * size, the maximum number of descriptors a message and the entry class, and they end
	 * the command line whether the worker names {@code ChildMain} as its main class (flat
	 * classpath) or through {@code -Dloader.main} (executable jar, which the sample is).
	 * The parent's pid is in the arguments because a worker outliving its parent is
	 * handed to another parent process.
	 * @param parentPid the application's pid
	 * @return their pids and command lines
	 */
	static Map<Long, List<String>> workersOf(long parentPid) {
		Map<Long, List<String>> workers = new HashMap<>();
		try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
			entries.filter((entry) -> entry.getFileName().toString().chars().allMatch(Character::isDigit))
				.forEach((entry) -> {
					long pid = Long.parseLong(entry.getFileName().toString());
					List<String> command = commandLine(pid);
					if (isChildMain(command)
							&& command.get(command.size() - ChildMain.ARGUMENT_COUNT).equals(Long.toString(parentPid))
							&& isRunning(pid)) {
						workers.put(pid, command);
					}
				});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return workers;
	}

	static boolean isChildMain(List<String> command) {
		return command.size() > 4 && (command.contains(CHILD_MAIN) || command.contains("-Dloader.main=" + CHILD_MAIN));
	}

	/**
	 * Return a process's command line, or an empty list when it has ended (or is a
	 * zombie, whose command line is empty).
	 * @param pid the pid
	 * @return its arguments
	 */
	static List<String> commandLine(long pid) {
		try {
			byte[] bytes = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
			if (bytes.length == 0) {
				return List.of();
			}
			return List.of(new String(bytes, StandardCharsets.UTF_8).split("\0"));
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	/**
	 * Whether a process exists and is not a zombie (a process that has ended and waits
	 * for its parent to collect its status runs no code).
	 * @param pid the pid
	 * @return whether it runs
	 */
	static boolean isRunning(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			// pid (comm) state ...; comm may contain spaces and parentheses.
			char state = stat.charAt(stat.lastIndexOf(')') + 2);
			return state != 'Z' && state != 'X';
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Whether a process that was running before {@code instant} still runs. A pid that
	 * now belongs to a process started later has been reused, and does not count.
	 * @param pid the pid
	 * @param instant the instant
	 * @return whether it still runs
	 */
	static boolean stillRunningSince(long pid, Instant instant) {
		if (!isRunning(pid)) {
			return false;
		}
		return ProcessHandle.of(pid)
			.flatMap((handle) -> handle.info().startInstant())
			.map((started) -> started.isBefore(instant))
			.orElse(true);
	}

	String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(cannot read " + this.log + ": " + ex + ")";
		}
	}

	/**
	 * SIGKILL the application and every worker of it still running, whatever state the
	 * tests left them in.
	 */
	void kill() throws InterruptedException {
		Map<Long, List<String>> workers = runningWorkers();
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			this.process.waitFor(30, TimeUnit.SECONDS);
		}
		workers.putAll(runningWorkers());
		for (long worker : workers.keySet()) {
			ProcessHandle.of(worker).ifPresent(ProcessHandle::destroyForcibly);
		}
	}

	@Override
	public void close() throws InterruptedException {
		kill();
	}

}
