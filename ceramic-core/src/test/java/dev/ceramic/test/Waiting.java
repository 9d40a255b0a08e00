package dev.ceramic.test;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * How a test waits for something that happens on another thread or in another process:
 * Awaitility, polling on the test's own thread, with one patience for a busy machine.
 *
 * <p>
 * Conditions run on the calling thread, as a hand-written loop would, so that waiting
 * starts no thread of its own: tests that count this JVM's threads see none of it.
 */
public final class Waiting {

	/**
	 * How long a test waits for something that should happen: long enough for worker JVMs
	 * to start on a busy machine. Tests assert what happens, never how fast.
	 */
	public static final Duration PATIENCE = Duration.ofSeconds(60);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

	private static final String CHANNEL_PACKAGE = "dev.ceramic.channel.";

	/** Where the native code of socket and stream I/O is: junixsocket's and the JDK's. */
	private static final List<String> IO_PACKAGES = List.of("org.newsclub.net.unix.", "java.io.", "sun.nio.ch.");

	private Waiting() {
	}

	/**
	 * Start waiting for something, for at most {@link #PATIENCE} unless the test says
	 * {@code atMost} of its own.
	 * @param what what is awaited, for the failure message
	 * @return the condition factory to finish with {@code until}
	 */
	public static ConditionFactory await(String what) {
		return Awaitility.await(what)
			.atMost(PATIENCE)
			.pollInSameThread()
			.pollDelay(Duration.ZERO)
			.pollInterval(POLL_INTERVAL);
	}

	/**
	 * Wait until each of the threads has come to rest: blocked, waiting, parked or idle
	 * in a pool, or in a system call on a channel's socket. For a test that started a
	 * call on another thread and must know that the call is blocked before it acts.
	 * @param what what the threads are blocked in, for the failure message
	 * @param threads the threads
	 */
	public static void awaitBlocked(String what, Collection<Thread> threads) {
		await(what).until(() -> threads.stream().allMatch(Waiting::isBlocked));
	}

	/**
	 * Wait until a thread has come to rest, as {@link #awaitBlocked(String, Collection)}
	 * does.
	 * @param what what the thread is blocked in, for the failure message
	 * @param thread the thread
	 */
	public static void awaitBlocked(String what, Thread thread) {
		awaitBlocked(what, List.of(thread));
	}

	/**
	 * Whether a thread has come to rest. A thread that waits in a read or a write of a
	 * socket is {@code RUNNABLE} in native code: it counts when it is in the native I/O
	 * of junixsocket or the JDK with a channel's method below on its stack.
	 * @param thread the thread
	 * @return whether it is blocked, or has ended
	 */
	public static boolean isBlocked(Thread thread) {
		return switch (thread.getState()) {
			case BLOCKED, WAITING, TIMED_WAITING, TERMINATED -> true;
			case NEW -> false;
			case RUNNABLE -> isInNativeChannelCall(thread.getStackTrace());
		};
	}

	private static boolean isInNativeChannelCall(StackTraceElement[] stack) {
		if (stack.length == 0 || !stack[0].isNativeMethod()
				|| IO_PACKAGES.stream().noneMatch(stack[0].getClassName()::startsWith)) {
			return false;
		}
		for (StackTraceElement frame : stack) {
			if (frame.getClassName().startsWith(CHANNEL_PACKAGE)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Sleep, failing the test if interrupted: for sampling something at intervals, or for
	 * letting time pass where the test asserts that nothing happens meanwhile.
	 * @param duration how long to sleep
	 */
	public static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while sleeping " + duration, ex);
		}
	}

}
