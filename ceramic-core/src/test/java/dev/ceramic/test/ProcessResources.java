package dev.ceramic.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;

/**
 * What this JVM holds of the operating system, read from {@code /proc} and the JDK: open
 * file descriptors, live threads, live child processes. Reliability tests take one at
 * steady state and check that the process comes back to it after a fault.
 *
 * <p>
 * Threads are counted by kind: the name with its digits replaced, so that a worker's
 * output readers ({@code ceramic-proc-<pool>-<pid>-stdout}) are one kind whatever the
 * worker's pid. Threads that sit idle in a JDK thread pool, waiting for a task, are not
 * counted, and are reported apart as {@link #idlePooledThreads()}: the JDK's
 * {@code process reaper} threads (one waits for each child, then idles for 60 s by
 * design), the common fork-join pool that runs {@code Process.onExit()} stages, and a
 * pool's cached launcher threads. They hold no descriptor, expire after their keep-alive,
 * and a leak of them would still show as a growing {@code idlePooledThreads}; a thread of
 * such a pool that is busy (a reaper waiting for a live child) is counted.
 *
 * <p>
 * Some descriptors are opened once and kept for the life of the JVM, lazily: the jars on
 * the classpath as classes are first loaded from them, and the JDK's NIO dispatcher,
 * which on its first use (a {@code Files.readAllLines}, say) makes a socketpair and keeps
 * one end open as its "pre-close" descriptor: an AF_UNIX socket, connected, whose peer is
 * gone. A test takes its baseline after a warm-up that has gone through the same paths.
 *
 * @param fileDescriptors what each open descriptor points to, by descriptor number
 * @param threads live threads by kind, idle pooled threads excepted
 * @param idlePooledThreads threads idle in a JDK thread pool
 * @param children the pids of live child processes
 */
public record ProcessResources(Map<Integer, String> fileDescriptors, Map<String, Integer> threads,
		int idlePooledThreads, Set<Long> children) {

	private static final Path FD_DIRECTORY = Path.of("/proc/self/fd");

	private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

	private static final long SETTLE_MILLIS = 300;

	/**
	 * Read what this process holds now.
	 * @return the resources
	 */
	public static ProcessResources now() {
		Map<String, Integer> threads = new TreeMap<>();
		int idle = 0;
		for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
			if (!thread.getKey().isAlive()) {
				continue;
			}
			if (isIdleInPool(thread.getKey(), thread.getValue())) {
				idle++;
			}
			else {
				threads.merge(kind(thread.getKey().getName()), 1, Integer::sum);
			}
		}
		Set<Long> children = ProcessHandle.current()
			.children()
			.filter(ProcessHandle::isAlive)
			.map(ProcessHandle::pid)
			.collect(Collectors.toCollection(TreeSet::new));
		return new ProcessResources(readFileDescriptors(), threads, idle, children);
	}

	/**
	 * Wait until this process is back to {@code baseline}: the same number of open
	 * descriptors of each kind, the same number of threads of each kind, and as many live
	 * children as the baseline had, which must be exactly {@code expectedChildren}.
	 * Workers are replaced asynchronously, so this polls until {@code timeout}.
	 * @param baseline the resources before
	 * @param expectedChildren the pids the live children must be (the pool's workers now)
	 * @param timeout how long to wait
	 * @return the resources once they matched
	 * @throws AssertionError naming every difference, if they did not match in time
	 */
	public static ProcessResources awaitBackTo(ProcessResources baseline, Supplier<Set<Long>> expectedChildren,
			Duration timeout) {
		AtomicReference<List<String>> differences = new AtomicReference<>(List.of());
		try {
			return Waiting.await("the process is back to its resources from before")
				.atMost(timeout)
				.pollInterval(POLL_INTERVAL)
				.until(ProcessResources::now, (now) -> {
					differences.set(baseline.differencesTo(now, expectedChildren.get()));
					return differences.get().isEmpty();
				});
		}
		catch (ConditionTimeoutException ex) {
			ProcessResources now = now();
			throw new AssertionError("The process did not come back to its resources from before within " + timeout
					+ ":\n  " + String.join("\n  ", differences.get()) + "\nbefore: " + baseline + "\nnow:    " + now
					+ "\nits sockets now: " + now.describeSockets(), ex);
		}
	}

	/**
	 * Wait until this process's resources have settled: two samples taken
	 * {@value #SETTLE_MILLIS} ms apart show no difference, with the live children being
	 * {@code children}. For a baseline taken after a pool has started its workers, whose
	 * threads and descriptors come a moment after the workers are ready.
	 * @param children the pids the live children must be (the pool's workers now)
	 * @param timeout how long to wait
	 * @return the resources once they held still
	 */
	public static ProcessResources awaitSettled(Supplier<Set<Long>> children, Duration timeout) {
		AtomicReference<ProcessResources> previous = new AtomicReference<>(now());
		Duration interval = Duration.ofMillis(SETTLE_MILLIS);
		return Waiting.await("the process's resources have settled")
			.atMost(timeout)
			.pollDelay(interval)
			.pollInterval(interval)
			.until(ProcessResources::now,
					(now) -> previous.getAndSet(now).differencesTo(now, children.get()).isEmpty());
	}

	/**
	 * Return the differences between this baseline and {@code now}, empty when it is
	 * back.
	 * @param now the resources now
	 * @param expectedChildren the pids the live children must be
	 * @return the differences, in words
	 */
	public List<String> differencesTo(ProcessResources now, Set<Long> expectedChildren) {
		List<String> differences = new ArrayList<>();
		Map<String, Integer> fdsBefore = countByKind(this.fileDescriptors);
		Map<String, Integer> fdsNow = countByKind(now.fileDescriptors);
		// Fewer is no leak: the JVM may close a jar it had opened twice.
		boolean moreNow = fdsNow.entrySet()
			.stream()
			.anyMatch((kind) -> kind.getValue() > fdsBefore.getOrDefault(kind.getKey(), 0));
		if (moreNow) {
			differences.add("open file descriptors by kind: " + diff(fdsBefore, fdsNow));
		}
		if (!this.threads.equals(now.threads)) {
			differences.add("threads by kind: " + diff(this.threads, now.threads));
		}
		if (now.children.size() != this.children.size()) {
			differences.add("live children: " + this.children.size() + " before, " + now.children.size() + " now "
					+ now.children);
		}
		if (!now.children.equals(expectedChildren)) {
			differences.add("live children " + now.children + " are not the expected " + expectedChildren);
		}
		return differences;
	}

	/**
	 * Describe the AF_UNIX sockets among the open descriptors, as {@code /proc/net/unix}
	 * has them (state 01 unconnected, 03 connected; flags 00010000 listening; a path
	 * starting with {@code @} is in the abstract namespace), for failure messages.
	 * @return one line per socket
	 */
	public String describeSockets() {
		Map<String, String> unix = new TreeMap<>();
		try {
			for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
				String[] fields = line.trim().split("\\s+");
				if (fields.length >= 7) {
					unix.put(fields[6], "flags " + fields[3] + " type " + fields[4] + " state " + fields[5]
							+ ((fields.length > 7) ? " " + fields[7] : ""));
				}
			}
		}
		catch (IOException ex) {
			return "(cannot read /proc/net/unix: " + ex.getMessage() + ")";
		}
		return this.fileDescriptors.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().startsWith("socket:["))
			.map((entry) -> {
				String inode = entry.getValue().substring(8, entry.getValue().length() - 1);
				return "fd " + entry.getKey() + " " + entry.getValue() + " "
						+ unix.getOrDefault(inode, "(not AF_UNIX)");
			})
			.collect(Collectors.joining("; "));
	}

	/**
	 * Return the number of open file descriptors.
	 * @return the count
	 */
	public int openFileDescriptors() {
		return this.fileDescriptors.size();
	}

	/**
	 * Return the number of counted live threads.
	 * @return the count
	 */
	public int liveThreads() {
		return this.threads.values().stream().mapToInt(Integer::intValue).sum();
	}

	@Override
	public String toString() {
		return openFileDescriptors() + " open file descriptors, " + liveThreads() + " threads (+"
				+ this.idlePooledThreads + " idle in JDK pools), children " + this.children;
	}

	private static Map<Integer, String> readFileDescriptors() {
		Map<Integer, String> descriptors = new TreeMap<>();
		try (Stream<Path> entries = Files.list(FD_DIRECTORY)) {
			for (Path entry : (Iterable<Path>) entries::iterator) {
				String target;
				try {
					target = Files.readSymbolicLink(entry).toString();
				}
				catch (IOException ex) {
					// Closed since the listing: the directory's own descriptor, usually.
					continue;
				}
				descriptors.put(Integer.parseInt(entry.getFileName().toString()), target);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list " + FD_DIRECTORY + "; these tests need Linux", ex);
		}
		// The listing's own descriptor.
		descriptors.values()
			.removeIf((target) -> target.equals(FD_DIRECTORY.toString())
					|| target.startsWith("/proc/") && target.endsWith("/fd"));
		return descriptors;
	}

	/** Sockets, pipes, anon inodes and files: {@code socket:[123]} counts as socket. */
	private static Map<String, Integer> countByKind(Map<Integer, String> descriptors) {
		Map<String, Integer> kinds = new TreeMap<>();
		for (String target : descriptors.values()) {
			int bracket = target.indexOf(":[");
			String kind = (bracket > 0) ? target.substring(0, bracket) : target;
			kinds.merge(kind, 1, Integer::sum);
		}
		return kinds;
	}

	private static String kind(String threadName) {
		return threadName.replaceAll("\\d+", "#");
	}

	private static boolean isIdleInPool(Thread thread, StackTraceElement[] stack) {
		Thread.State state = thread.getState();
		if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
			return false;
		}
		for (StackTraceElement frame : stack) {
			String method = frame.getClassName() + "." + frame.getMethodName();
			if (method.equals("java.util.concurrent.ThreadPoolExecutor.getTask")
					|| method.equals("java.util.concurrent.ForkJoinPool.awaitWork")) {
				return true;
			}
		}
		return false;
	}

	private static String diff(Map<String, Integer> before, Map<String, Integer> now) {
		Set<String> kinds = new TreeSet<>(before.keySet());
		kinds.addAll(now.keySet());
		return kinds.stream()
			.filter((kind) -> !before.getOrDefault(kind, 0).equals(now.getOrDefault(kind, 0)))
			.map((kind) -> "'" + kind + "' " + before.getOrDefault(kind, 0) + " -> " + now.getOrDefault(kind, 0))
			.collect(Collectors.joining(", "));
	}

}
