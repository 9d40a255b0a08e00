package dev.ceramic.channel;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A channel call's deadline as a {@link System#nanoTime()} instant, with
 * {@code Long.MAX_VALUE} for a call that waits for ever.
 */
final class Deadlines {

	static final long NONE = Long.MAX_VALUE;

	private Deadlines() {
	}

	/**
	 * Return when a wait of {@code timeout} that starts now ends.
	 * @param timeout the timeout, or {@code null} for none
	 * @return the deadline, or {@link #NONE}
	 */
	static long deadline(@Nullable Duration timeout) {
		if (timeout == null) {
			return NONE;
		}
		long nanos = timeout.toNanos();
		long now = System.nanoTime();
		return (nanos >= NONE - now) ? NONE - 1 : now + nanos;
	}

	/**
	 * Return how long is left until a deadline.
	 * @return the nanoseconds left, which may be negative, or {@code Long.MAX_VALUE} when
	 * there is no deadline
	 */
	static long remaining(long deadline) {
		return (deadline == NONE) ? Long.MAX_VALUE : deadline - System.nanoTime();
	}

}
