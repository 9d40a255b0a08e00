package dev.ceramic.test;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.ceramic.process.ProcOptions;

/**
 * Helpers shared by the tests that start real child JVMs.
 */
public final class ProcTestSupport {

	private static final long POLL_MILLIS = 5;

	private ProcTestSupport() {
	}

	/**
	 * Options for a test child: quick to start on a small machine (C1 only, serial GC)
	 * and named so that its logger is easy to find.
	 * @param name the name of the child
	 * @return a builder to add to
	 */
	public static ProcOptions.Builder options(String name) {
		return ProcOptions.builder()
			.name(name)
			.jvmArguments("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
			.startupTimeout(Duration.ofSeconds(20));
	}

	/**
	 * Whether a process is running. A zombie (exited, not yet reaped) is not.
	 * @param pid the pid
	 * @return whether it runs
	 */
	public static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

	/**
	 * Poll a condition until it holds, or fail once the deadline has passed.
	 * @param timeout how long to wait at most
	 * @param condition the condition
	 * @param what what was expected, for the failure message
	 */
	public static void await(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Timed out after " + timeout + " waiting for: " + what.get());
			}
			try {
				Thread.sleep(POLL_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted while waiting for: " + what.get(), ex);
			}
		}
	}

	/**
	 * Kill a process with SIGKILL if it still runs, and wait until it is gone. For
	 * {@code finally} blocks, so that nothing outlives a failed test.
	 * @param pid the pid
	 */
	public static void killQuietly(long pid) {
		ProcessHandle.of(pid).ifPresent((handle) -> {
			handle.destroyForcibly();
			try {
				handle.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// Best effort: the test reports its own failure.
			}
		});
	}

}
