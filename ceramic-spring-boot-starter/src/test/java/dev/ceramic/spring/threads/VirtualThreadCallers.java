package dev.ceramic.spring.threads;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import dev.ceramic.pool.WorkerPool;
import dev.ceramic.spring.autoconfigure.CeramicPools;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.task.AsyncTaskExecutor;

/**
 * The {@code main} of a JVM on JDK 21 or later that {@link VirtualThreadCallersTests}
 * starts: an application with {@code spring.threads.virtual.enabled=true} whose
 * {@code applicationTaskExecutor} runs many concurrent callers, on virtual threads, into
 * a pool of two workers, under a JFR recording of {@code jdk.VirtualThreadPinned}. It
 * prints what it saw as {@code virtual-thread-callers: key=value} lines.
 * <p>
 * Compiled for Java 17 like the rest of the project, so it asks whether a thread is
 * virtual reflectively.
 * <p>
 * Arguments: the number of callers, how long each call sleeps in the worker (ms), how
 * long each of the two calls of the carrier check sleeps (ms), and the recording's file.
 * <p>
 * The first concurrent calls load and initialize classes (Jackson's, Micrometer's), and a
 * virtual thread that waits for that is pinned, since the VM is on its stack. That
 * happens once, to any code on first use, so a warm-up round runs first and the check
 * counts only what comes after it; the warm-up's events are printed too.
 */
@SpringBootApplication
public class VirtualThreadCallers {

	static final String REPORT = "virtual-thread-callers: ";

	private static final String PINNED = "jdk.VirtualThreadPinned";

	private static final int WARM_UP_CALLERS = 20;

	public static void main(String[] args) throws Exception {
		int callers = Integer.parseInt(args[0]);
		int sleepMillis = Integer.parseInt(args[1]);
		int longSleepMillis = Integer.parseInt(args[2]);
		Path recordingFile = Path.of(args[3]);
		try (Recording recording = new Recording()) {
			recording.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
			recording.start();
			SpringApplication application = new SpringApplication(VirtualThreadCallers.class);
			application.setWebApplicationType(WebApplicationType.NONE);
			application.setBannerMode(Banner.Mode.OFF);
			try (ConfigurableApplicationContext context = application.run(
					// Not the application.yml of the other tests.
					"--spring.config.name=virtual-thread-callers", "--spring.threads.virtual.enabled=true",
					"--ceramic.pools.sleepy.min-workers=2", "--ceramic.pools.sleepy.max-workers=2",
					"--ceramic.pools.sleepy.max-queued-calls=" + callers, "--ceramic.pools.sleepy.acquire-timeout=2m",
					"--ceramic.pools.sleepy.call-timeout=1m",
					"--ceramic.pools.sleepy.jvm-args=-Xmx64m,-XX:TieredStopAtLevel=1")) {
				Sleeper sleeper = context.getBean(Sleeper.class);
				AsyncTaskExecutor executor = context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class);
				WorkerPool pool = context.getBean(CeramicPools.class).get("sleepy");
				callConcurrently(executor, sleeper, WARM_UP_CALLERS, sleepMillis);
				Instant measuredFrom = Instant.now();
				report(callConcurrently(executor, sleeper, callers, sleepMillis));
				carrierCheck(executor, sleeper, pool, longSleepMillis);
				Instant measuredTo = Instant.now();
				carrierCheckControl(executor);
				recording.stop();
				recording.dump(recordingFile);
				reportPinning(recordingFile, measuredFrom, measuredTo);
			}
		}
		System.out.flush();
	}

	/**
	 * Many callers at once on virtual threads: all must complete.
	 */
	private static Map<String, Object> callConcurrently(AsyncTaskExecutor executor, Sleeper sleeper, int callers,
			int sleepMillis) throws InterruptedException {
		AtomicInteger virtualCallers = new AtomicInteger();
		long start = System.nanoTime();
		List<Future<Long>> calls = new ArrayList<>();
		for (int i = 0; i < callers; i++) {
			calls.add(executor.submit(() -> {
				if (isVirtual(Thread.currentThread())) {
					virtualCallers.incrementAndGet();
				}
				return sleeper.sleep(sleepMillis);
			}));
		}
		Set<Long> workerPids = new HashSet<>();
		int completed = 0;
		List<String> failures = new ArrayList<>();
		for (Future<Long> call : calls) {
			try {
				workerPids.add(call.get(2, TimeUnit.MINUTES));
				completed++;
			}
			catch (ExecutionException | TimeoutException ex) {
				failures.add(String.valueOf((ex.getCause() != null) ? ex.getCause() : ex));
			}
		}
		Map<String, Object> results = new LinkedHashMap<>();
		results.put("completed", completed);
		results.put("virtual-callers", virtualCallers.get());
		results.put("worker-pids", workerPids.size());
		results.put("elapsed-ms", (System.nanoTime() - start) / 1_000_000);
		results.put("failures", failures.size());
		results.put("first-failures", failures.stream().distinct().limit(5).collect(Collectors.toList()));
		return results;
	}

	/**
	 * While both workers are busy, can a new virtual thread still run? Callers that held
	 * their carriers while they wait (pinned, or blocked in a native read) would leave
	 * none for it until a call ends. Run with the scheduler's parallelism and pool size
	 * both set to the pool's size, so that no spare carrier hides it.
	 */
	private static void carrierCheck(AsyncTaskExecutor executor, Sleeper sleeper, WorkerPool pool, int sleepMillis)
			throws Exception {
		Future<Long> first = executor.submit(() -> sleeper.sleep(sleepMillis));
		Future<Long> second = executor.submit(() -> sleeper.sleep(sleepMillis));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (pool.snapshot(false).busyWorkers() < 2 && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		boolean busyBefore = pool.snapshot(false).busyWorkers() == 2;
		long latencyMillis = probeLatencyMillis(executor);
		boolean busyAfter = pool.snapshot(false).busyWorkers() == 2;
		first.get(1, TimeUnit.MINUTES);
		second.get(1, TimeUnit.MINUTES);
		report("carrier-check-workers-busy", busyBefore && busyAfter);
		report("carrier-check-max-latency-ms", latencyMillis);
	}

	/**
	 * The carrier check again, while two virtual threads hold both carriers on purpose:
	 * it must notice.
	 */
	private static void carrierCheckControl(AsyncTaskExecutor executor) throws Exception {
		Future<?> first = executor.submit(CarrierHogs.First::initialize);
		Future<?> second = executor.submit(CarrierHogs.Second::initialize);
		CarrierHogs.holding.await(1, TimeUnit.MINUTES);
		long latencyMillis = probeLatencyMillis(executor);
		first.get(1, TimeUnit.MINUTES);
		second.get(1, TimeUnit.MINUTES);
		report("carrier-check-control-max-latency-ms", latencyMillis);
	}

	/**
	 * How long, at most, a new virtual thread waits before it runs, over a few tries.
	 */
	private static long probeLatencyMillis(AsyncTaskExecutor executor) throws Exception {
		long maxLatencyNanos = 0;
		for (int i = 0; i < 5; i++) {
			long start = System.nanoTime();
			long ran = executor.submit(System::nanoTime).get(1, TimeUnit.MINUTES);
			maxLatencyNanos = Math.max(maxLatencyNanos, ran - start);
		}
		return maxLatencyNanos / 1_000_000;
	}

	/**
	 * Print every pinned event, and count them: all, those of the measured part (after
	 * the warm-up), those of the measured part with ceramic code on the stack, and the
	 * deliberate ones.
	 */
	private static void reportPinning(Path recordingFile, Instant measuredFrom, Instant measuredTo) throws IOException {
		List<RecordedEvent> pinned = RecordingFile.readAllEvents(recordingFile)
			.stream()
			.filter((event) -> event.getEventType().getName().equals(PINNED))
			.collect(Collectors.toList());
		int measured = 0;
		int measuredInCeramic = 0;
		int control = 0;
		for (RecordedEvent event : pinned) {
			List<String> frames = frames(event);
			boolean inMeasured = !event.getStartTime().isBefore(measuredFrom)
					&& event.getStartTime().isBefore(measuredTo);
			if (inMeasured) {
				measured++;
				if (frames.stream().anyMatch(VirtualThreadCallers::isCeramicFrame)) {
					measuredInCeramic++;
				}
			}
			if (frames.stream().anyMatch((frame) -> frame.startsWith(CarrierHogs.class.getName()))) {
				control++;
			}
			System.out.println("Pinned " + (inMeasured ? "(measured)" : "(warm-up or control)") + " for "
					+ event.getDuration().toNanos() / 1000 + " us, " + field(event, "blockingOperation") + ", "
					+ field(event, "pinnedReason") + ", at:\n  "
					+ String.join("\n  ", frames.subList(0, Math.min(frames.size(), 40))));
		}
		report("pinned-events", pinned.size());
		report("pinned-events-measured", measured);
		report("pinned-events-measured-in-ceramic", measuredInCeramic);
		report("pinned-events-in-control", control);
	}

	private static String field(RecordedEvent event, String name) {
		return event.hasField(name) ? Objects.toString(event.getValue(name)) : "";
	}

	private static boolean isCeramicFrame(String frame) {
		return frame.startsWith("dev.ceramic.") && !frame.startsWith(VirtualThreadCallers.class.getPackageName() + ".");
	}

	private static List<String> frames(RecordedEvent event) {
		if (event.getStackTrace() == null) {
			return List.of();
		}
		List<String> frames = new ArrayList<>();
		for (RecordedFrame frame : event.getStackTrace().getFrames()) {
			frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName() + ":"
					+ frame.getLineNumber());
		}
		return frames;
	}

	private static boolean isVirtual(Thread thread) {
		try {
			return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (ReflectiveOperationException ex) {
			return false;
		}
	}

	private static void report(Map<String, Object> results) {
		results.forEach(VirtualThreadCallers::report);
	}

	private static void report(String key, Object value) {
		System.out.println(REPORT + key + "=" + value);
	}

}
