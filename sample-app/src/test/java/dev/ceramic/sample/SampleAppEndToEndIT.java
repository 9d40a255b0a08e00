package dev.ceramic.sample;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The sample application end to end, as a user runs it: the executable jar started with
 * {@code java -jar}, driven over real HTTP, and stopped with SIGTERM. The tests share one
 * application and run in order; the last one stops it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleAppEndToEndIT {

	/**
	 * The pool's call-timeout. Set here rather than taken from application.yml (3s), so
	 * that the test owns the value it checks; also, every hang costs one second less.
	 */
	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

	/** How long graceful shutdown may wait for requests in flight. */
	private static final Duration SHUTDOWN_PHASE_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * How long the pool lets calls in flight finish on shutdown before killing workers.
	 */
	private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

	/**
	 * The most a SIGTERMed application may take to exit: its two grace periods, plus the
	 * time the JVM needs to run its shutdown hooks on a busy 2-core machine.
	 */
	private static final Duration EXIT_BOUND = SHUTDOWN_PHASE_TIMEOUT.plus(SHUTDOWN_GRACE).plusSeconds(5);

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

	private static final Path LOG = Path.of("target", "sample-app-e2e.log");

	/**
	 * Makes each worker JVM write its GC log, lines with {@code [gc]}, to standard error.
	 */
	private static final String WORKER_STDERR_OPTION = "-Xlog:gc:stderr";

	/** What the worker's GC log lines have in common. */
	private static final String WORKER_STDERR_MARK = "[gc]";

	private static SampleAppProcess app;

	@BeforeAll
	static void start() throws Exception {
		app = SampleAppProcess.start(LOG, "--ceramic.pools.native.call-timeout=" + CALL_TIMEOUT.toSeconds() + "s",
				// Calls wait for a worker rather than fail with 503 while crashed
				// workers are replaced: in the burst below, on a busy 2-core machine,
				// replacing them took more than 30 s (each is a JVM starting Spring).
				// The burst checks isolation, not saturation.
				"--ceramic.defaults.acquire-timeout=60s",
				// Both grace periods explicit, so that the exit bound below is derived
				// from what this application was given.
				"--spring.lifecycle.timeout-per-shutdown-phase=" + SHUTDOWN_PHASE_TIMEOUT.toSeconds() + "s",
				"--ceramic.pools.native.shutdown-grace=" + SHUTDOWN_GRACE.toSeconds() + "s",
				// application.yml's options, plus a GC log on standard error, so that
				// every
				// worker has standard error that a problem body must not show.
				"--ceramic.pools.native.jvm-args=-Xmx96m,-XX:+UseSerialGC,-XX:TieredStopAtLevel=1,"
						+ WORKER_STDERR_OPTION);
	}

	@AfterAll
	static void stop() throws Exception {
		if (app != null) {
			app.close();
		}
	}

	@Test
	@Order(1)
	void resolvesLocalhostInAWorkerOfTheApplication() throws Exception {
		HttpResponse<String> response = app.get("/resolve?host=localhost", REQUEST_TIMEOUT);
		long workerPid = assertResolvedLocalhost(response);
		List<String> command = SampleAppProcess.commandLine(workerPid);
		assertThat(SampleAppProcess.isChildMain(command))
			.as("pid %d that resolved is a ceramic worker; its command line: %s", workerPid, command)
			.isTrue();
		assertThat(command.get(command.size() - 4)).as("the worker's parent pid argument")
			.isEqualTo(Long.toString(app.pid()));
		assertThat(app.nativePool().path("workers")).isNotEmpty();
	}

	@Test
	@Order(2)
	void aSegfaultCostsOneWorkerAndTheNextCallSucceeds() throws Exception {
		long replacementsBefore = app.nativePool().path("replacements").asLong();
		HttpResponse<String> response = app.post("/crash", REQUEST_TIMEOUT);
		JsonNode problem = assertProblem(response, 502, "worker-crashed", "Worker crashed", "/crash");
		assertSegfault(problem);
		long crashedPid = problem.path("pid").asLong();
		assertThat(problem.path("detail").asString())
			.isEqualTo("Worker pid " + crashedPid + " of pool 'native' crashed: signal SIGSEGV");
		assertThat(Files.readAllLines(LOG, StandardCharsets.UTF_8))
			.as("worker %d wrote to standard error, which the application logged", crashedPid)
			.anyMatch((line) -> line.contains("[pid " + crashedPid + "]") && line.contains(WORKER_STDERR_MARK));
		assertThat(response.body()).as("the problem shows neither standard error nor the fatal error log's path")
			.doesNotContain(WORKER_STDERR_MARK)
			.doesNotContain("lastErrorLines")
			.doesNotContain("hs_err")
			.doesNotContain("ceramic-native-")
			.doesNotContain(System.getProperty("java.io.tmpdir"));
		app.sawWorker(crashedPid);
		await("worker " + crashedPid + " gone").atMost(Duration.ofSeconds(10))
			.pollInterval(50, MILLISECONDS)
			.until(() -> !SampleAppProcess.isRunning(crashedPid));

		assertThat(assertResolvedLocalhost(app.get("/resolve?host=localhost", REQUEST_TIMEOUT)))
			.isNotEqualTo(crashedPid);
		await("the pool counts a restart").atMost(Duration.ofSeconds(30))
			.pollInterval(100, MILLISECONDS)
			.until(() -> app.nativePool().path("replacements").asLong() > replacementsBefore);
	}

	@Test
	@Order(3)
	void aHangTimesOutWithA504AndTheNextCallSucceeds() throws Exception {
		long start = System.nanoTime();
		HttpResponse<String> response = app.get("/hang?seconds=60", REQUEST_TIMEOUT);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		JsonNode problem = assertProblem(response, 504, "worker-timed-out", "Worker timed out", "/hang");
		long hungPid = problem.path("pid").asLong();
		assertThat(problem.path("timeoutMillis").asLong()).isEqualTo(CALL_TIMEOUT.toMillis());
		assertThat(problem.path("detail").asString())
			.isEqualTo("A call to worker pid " + hungPid + " of pool 'native' did not complete within "
					+ CALL_TIMEOUT.toSeconds() + "s; the worker was killed and will be replaced");
		assertThat(took).as("answered at the call-timeout, not at the end of the 60 s sleep")
			.isGreaterThanOrEqualTo(CALL_TIMEOUT)
			.isLessThan(CALL_TIMEOUT.plusSeconds(15));
		app.sawWorker(hungPid);
		await("hung worker " + hungPid + " killed").atMost(Duration.ofSeconds(10))
			.pollInterval(50, MILLISECONDS)
			.until(() -> !SampleAppProcess.isRunning(hungPid));

		assertThat(assertResolvedLocalhost(app.get("/resolve?host=localhost", REQUEST_TIMEOUT))).isNotEqualTo(hungPid);
	}

	@Test
	@Order(4)
	void twoHundredConcurrentRequestsWithCrashesMixedIn() throws Exception {
		long seed = 20261123L;
		Random random = new Random(seed);
		int requests = 200;
		long crashesBefore = app.nativePool().path("crashes").asLong();

		AtomicBoolean burstOver = new AtomicBoolean();
		List<String> livenessFailures = new CopyOnWriteArrayList<>();
		AtomicInteger livenessChecks = new AtomicInteger();
		Thread poller = new Thread(() -> pollLiveness(burstOver, livenessFailures, livenessChecks), "liveness-poller");
		poller.start();

		List<Boolean> isCrash = new ArrayList<>();
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		long start = System.nanoTime();
		try {
			for (int i = 0; i < requests; i++) {
				// 1 in 20 crashes: each costs a worker JVM's start-up (about 1.5 s of CPU
				// on this kind of machine), which keeps the burst within the time budget.
				boolean crash = random.nextInt(20) == 0;
				isCrash.add(crash);
				HttpRequest request = crash
						? HttpRequest.newBuilder(app.uri("/crash"))
							.timeout(Duration.ofSeconds(100))
							.POST(HttpRequest.BodyPublishers.noBody())
							.build()
						: HttpRequest.newBuilder(app.uri("/resolve?host=localhost"))
							.timeout(Duration.ofSeconds(100))
							.GET()
							.build();
				responses.add(app.http().sendAsync(request, BodyHandlers.ofString()));
			}
			CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(150, TimeUnit.SECONDS);
		}
		finally {
			burstOver.set(true);
			poller.join(Duration.ofSeconds(15).toMillis());
		}
		Duration took = Duration.ofNanos(System.nanoTime() - start);

		int crashes = 0;
		int resolved = 0;
		for (int i = 0; i < requests; i++) {
			HttpResponse<String> response = responses.get(i).join();
			String which = "request " + i + " (seed " + seed + ")";
			if (isCrash.get(i)) {
				crashes++;
				assertSegfault(assertProblem(response, 502, "worker-crashed", "Worker crashed", "/crash", which));
			}
			else {
				resolved++;
				app.sawWorker(assertResolvedLocalhost(response, which));
			}
		}
		System.out.printf("%d requests (%d crashes, %d resolves) answered in %d ms; %d liveness checks%n", requests,
				crashes, resolved, took.toMillis(), livenessChecks.get());
		assertThat(crashes).as("the seed mixes crashes in").isBetween(5, 20);
		assertThat(livenessFailures).as("liveness while the burst ran").isEmpty();
		assertThat(livenessChecks.get()).as("liveness checks made during the burst").isGreaterThanOrEqualTo(3);
		long crashesAfter = app.nativePool().path("crashes").asLong();
		assertThat(crashesAfter - crashesBefore).as("crashes the pool counted").isEqualTo(crashes);
		assertResolvedLocalhost(app.get("/resolve?host=localhost", REQUEST_TIMEOUT));
	}

	private static void pollLiveness(AtomicBoolean stop, List<String> failures, AtomicInteger checks) {
		long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
		while (!stop.get() && System.nanoTime() - deadline < 0) {
			try {
				HttpResponse<String> response = app.get("/actuator/health/liveness", Duration.ofSeconds(5));
				if (response.statusCode() != 200 || !response.body().contains("\"UP\"")) {
					failures.add(Instant.now() + ": " + response.statusCode() + " " + response.body());
				}
				checks.incrementAndGet();
				Thread.sleep(100);
			}
			catch (IOException ex) {
				failures.add(Instant.now() + ": " + ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@Test
	@Order(5)
	void sigtermStopsTheApplicationAndItsWorkersWithinTheGracePeriod() throws Exception {
		Map<Long, List<String>> workersBefore = app.runningWorkers();
		assertThat(workersBefore).as("workers of pid %d in the process table", app.pid()).isNotEmpty();
		workersBefore.keySet().forEach(app::sawWorker);
		app.nativePool();

		// A request in flight when SIGTERM comes: graceful shutdown lets it finish with
		// the 504 of its call-timeout rather than cut its connection. Its worker is
		// replaced during shutdown, which once left that replacement running after the
		// application had exited.
		CompletableFuture<HttpResponse<String>> inFlight = app.http()
			.sendAsync(HttpRequest.newBuilder(app.uri("/hang?seconds=60")).timeout(REQUEST_TIMEOUT).GET().build(),
					BodyHandlers.ofString());
		await("the hang reaches a worker").atMost(Duration.ofSeconds(20))
			.pollInterval(50, MILLISECONDS)
			.until(() -> hasBusyWorker(app.nativePool()));

		long start = System.nanoTime();
		app.process().destroy(); // SIGTERM
		boolean exited = app.process().waitFor(EXIT_BOUND.toMillis(), MILLISECONDS);
		Instant exitedAt = Instant.now();
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(exited).as("exited within %s of SIGTERM; its output:%n%s", EXIT_BOUND, app.logTail()).isTrue();
		System.out.printf("The application exited %d ms after SIGTERM%n", took.toMillis());
		// 128 + 15: the JVM ran its shutdown hooks and ended on SIGTERM.
		assertThat(app.process().exitValue()).as("exit status").isEqualTo(143);

		assertThat(app.runningWorkers()).as("workers of pid %d left in the process table", app.pid()).isEmpty();
		assertThat(app.seenWorkerPids()).as("workers seen during the tests").hasSizeGreaterThan(workersBefore.size());
		assertThat(app.seenWorkerPids().stream().filter((pid) -> SampleAppProcess.stillRunningSince(pid, exitedAt)))
			.as("workers seen during the tests that still run")
			.isEmpty();

		HttpResponse<String> answer = inFlight.get(1, TimeUnit.SECONDS);
		assertProblem(answer, 504, "worker-timed-out", "Worker timed out", "/hang");
	}

	private static boolean hasBusyWorker(JsonNode pool) {
		for (JsonNode worker : pool.path("workers")) {
			if ("busy".equals(worker.path("state").asString())) {
				return true;
			}
		}
		return false;
	}

	private static long assertResolvedLocalhost(HttpResponse<String> response) {
		return assertResolvedLocalhost(response, "GET /resolve?host=localhost");
	}

	private static long assertResolvedLocalhost(HttpResponse<String> response, String which) {
		assertThat(response.statusCode()).as("%s: status; body %s", which, response.body()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).as(which)
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		JsonNode body = SampleAppProcess.json.readTree(response.body());
		assertThat(body.path("host").asString()).as(which).isEqualTo("localhost");
		List<String> addresses = new ArrayList<>();
		body.path("addresses").forEach((address) -> addresses.add(address.asString()));
		assertThat(addresses).as("%s: addresses", which).containsAnyOf("127.0.0.1", "::1", "0:0:0:0:0:0:0:1");
		long workerPid = body.path("workerPid").asLong();
		assertThat(workerPid).as("%s: workerPid", which).isPositive().isNotEqualTo(app.pid());
		assertThat(body.path("tookMillis").isNumber()).as("%s: tookMillis is a number", which).isTrue();
		app.sawWorker(workerPid);
		return workerPid;
	}

	/**
	 * Assert that a response is one of the starter's problem details, with its status,
	 * type (under {@code https://ceramic.dev/problems/}), the pool and the worker's pid.
	 */
	private static JsonNode assertProblem(HttpResponse<String> response, int status, String type, String title,
			String instance) {
		return assertProblem(response, status, type, title, instance, instance);
	}

	private static JsonNode assertProblem(HttpResponse<String> response, int status, String type, String title,
			String instance, String which) {
		assertThat(response.statusCode()).as("%s: status; body %s", which, response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).as("%s: content type", which)
			.hasValue("application/problem+json");
		JsonNode problem = SampleAppProcess.json.readTree(response.body());
		assertThat(problem.path("status").asInt()).as(which).isEqualTo(status);
		assertThat(problem.path("type").asString()).as(which).isEqualTo("https://ceramic.dev/problems/" + type);
		assertThat(problem.path("title").asString()).as(which).isEqualTo(title);
		assertThat(problem.path("instance").asString()).as(which).isEqualTo(instance);
		assertThat(problem.path("detail").asString()).as(which).isNotBlank();
		assertThat(problem.path("pool").asString()).as(which).isEqualTo("native");
		long workerPid = problem.path("pid").asLong();
		assertThat(workerPid).as("%s: pid", which).isPositive().isNotEqualTo(app.pid());
		app.sawWorker(workerPid);
		return problem;
	}

	private static void assertSegfault(JsonNode problem) {
		if (!"SIGSEGV".equals(problem.path("signal").asString(""))) {
			fail("Expected a problem naming SIGSEGV as its signal, got " + problem);
		}
	}

}
