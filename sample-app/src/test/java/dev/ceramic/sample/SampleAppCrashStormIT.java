package dev.ceramic.sample;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A crash storm, as a user's application meets one: the executable jar with a pool of 2
 * to 4 workers and one spare, 50 callers resolving a name over HTTP for 20 s while
 * another client makes a worker segfault once a second. Every call that did not crash
 * must succeed, and the application must answer its health checks throughout. Counts are
 * asserted, never times; the figures are printed for the reader.
 */
class SampleAppCrashStormIT {

	private static final int CALLERS = 50;

	private static final Duration STORM = Duration.ofSeconds(20);

	private static final Duration CRASH_INTERVAL = Duration.ofSeconds(1);

	/** Generous: a lost answer is a failure, however late; how late is not asserted. */
	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

	private static final Path LOG = Path.of("target", "sample-app-crash-storm.log");

	private static SampleAppProcess app;

	@BeforeAll
	static void start() throws Exception {
		// The pool's sizing stated here, so that the test owns what it relies on.
		app = SampleAppProcess.start(LOG, "--ceramic.pools.native.min-workers=2",
				"--ceramic.pools.native.max-workers=4", "--ceramic.pools.native.spare-workers=1",
				// Callers wait for a worker rather than fail with 503: on a loaded
				// 2-core machine a worker JVM starting Spring has taken over 20 s. The
				// test checks that no call is lost, not how long one waits; the
				// benchmarks measure that.
				"--ceramic.defaults.acquire-timeout=60s");
	}

	@AfterAll
	static void stop() throws Exception {
		if (app != null) {
			app.close();
		}
	}

	@Test
	void callsThatDoNotCrashAllSucceedThroughACrashStorm() throws Exception {
		long crashesBefore = app.nativePool().path("crashes").asLong();
		AtomicBoolean over = new AtomicBoolean();
		AtomicInteger resolved = new AtomicInteger();
		List<String> failures = new CopyOnWriteArrayList<>();
		ExecutorService crashSenders = Executors.newCachedThreadPool();
		AtomicInteger healthChecks = new AtomicInteger();
		List<String> healthFailures = new CopyOnWriteArrayList<>();
		Map<String, AtomicInteger> healthStatuses = new ConcurrentHashMap<>();

		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < CALLERS; i++) {
			String name = "caller-" + i;
			threads.add(new Thread(() -> {
				while (!over.get()) {
					String outcome = resolveOnce();
					if (outcome == null) {
						resolved.incrementAndGet();
					}
					else {
						failures.add(name + ": " + outcome);
					}
				}
			}, name));
		}
		// One crash a second, each sent without waiting for the one before: a crash
		// request waits for a worker like any call, and the storm's rate is the test's.
		List<CompletableFuture<String>> crashes = new ArrayList<>();
		threads.add(new Thread(() -> {
			while (!over.get()) {
				crashes.add(CompletableFuture.supplyAsync(SampleAppCrashStormIT::crashOnce, crashSenders));
				sleep(CRASH_INTERVAL);
			}
		}, "crasher"));
		threads.add(new Thread(() -> {
			while (!over.get()) {
				String status = healthOnce();
				healthChecks.incrementAndGet();
				if (status.startsWith("failed")) {
					healthFailures.add(status);
				}
				else {
					healthStatuses.computeIfAbsent(status, (key) -> new AtomicInteger()).incrementAndGet();
				}
				sleep(Duration.ofMillis(200));
			}
		}, "health"));
		long start = System.nanoTime();
		threads.forEach(Thread::start);
		Thread.sleep(STORM.toMillis());
		over.set(true);
		for (Thread thread : threads) {
			thread.join(REQUEST_TIMEOUT.plusSeconds(10).toMillis());
			assertThat(thread.isAlive()).as("%s finished", thread.getName()).isFalse();
		}
		List<String> crashFailures = new ArrayList<>();
		int crashesAnswered = 0;
		for (CompletableFuture<String> crash : crashes) {
			String outcome = crash.get(REQUEST_TIMEOUT.plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
			if (outcome == null) {
				crashesAnswered++;
			}
			else {
				crashFailures.add(outcome);
			}
		}
		crashSenders.shutdown();
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		JsonNode pool = app.nativePool();
		System.out.printf(
				"Crash storm: %d calls resolved, %d failed, %d crashes answered 502 in %d ms; %d health checks %s; "
						+ "pool: %d crashes, %d replacements, %d workers%n",
				resolved.get(), failures.size(), crashesAnswered, took.toMillis(), healthChecks.get(), healthStatuses,
				pool.path("crashes").asLong() - crashesBefore, pool.path("replacements").asLong(),
				pool.path("workers").size());
		System.out.println("Pool after the storm: " + pool);

		assertThat(failures).as("calls that did not crash but failed").isEmpty();
		assertThat(resolved.get()).as("calls resolved").isGreaterThan(CALLERS);
		assertThat(crashFailures).as("crash requests answered otherwise than 502 Worker crashed").isEmpty();
		assertThat(crashes.size()).as("crashes sent, one a second").isGreaterThanOrEqualTo((int) STORM.toSeconds() - 1);
		assertThat(crashesAnswered).as("crashes answered 502").isEqualTo(crashes.size());
		assertThat(pool.path("crashes").asLong() - crashesBefore).as("crashes the pool counted")
			.isEqualTo(crashesAnswered);
		assertThat(healthFailures).as("health checks not answered").isEmpty();
		assertThat(healthChecks.get()).as("health checks made during the storm").isGreaterThanOrEqualTo(10);
	}

	/** Resolve localhost once; return null on success, else what went wrong. */
	private static String resolveOnce() {
		try {
			HttpResponse<String> response = app.get("/resolve?host=localhost", REQUEST_TIMEOUT);
			if (response.statusCode() != 200) {
				return response.statusCode() + " " + response.body();
			}
			JsonNode body = SampleAppProcess.json.readTree(response.body());
			return body.path("addresses").isEmpty() ? "no addresses: " + response.body() : null;
		}
		catch (IOException | RuntimeException ex) {
			return ex.toString();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return ex.toString();
		}
	}

	/**
	 * Make a worker segfault; return null if it answered as a crash must, else what it
	 * answered.
	 */
	private static String crashOnce() {
		try {
			HttpResponse<String> response = app.post("/crash", REQUEST_TIMEOUT);
			if (response.statusCode() == 502 && response.body().contains("Worker crashed")) {
				return null;
			}
			return response.statusCode() + " " + response.body();
		}
		catch (IOException ex) {
			return ex.toString();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return ex.toString();
		}
	}

	/**
	 * Ask for the application's health; return its status, or "failed: ..." when
	 * unanswered.
	 */
	private static String healthOnce() {
		try {
			HttpResponse<String> response = app.get("/actuator/health", Duration.ofSeconds(10));
			String status = SampleAppProcess.json.readTree(response.body()).path("status").asString();
			if (status == null || status.isEmpty()) {
				return "failed: " + response.statusCode() + " " + response.body();
			}
			return response.statusCode() + " " + status;
		}
		catch (IOException | RuntimeException ex) {
			return "failed: " + ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "failed: " + ex;
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
