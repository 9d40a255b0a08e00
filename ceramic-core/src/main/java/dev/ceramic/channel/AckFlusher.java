package dev.ceramic.channel;

import java.time.Duration;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * Writes the acknowledgements that receivers held back and did not get to send with a
 * frame of their own. One daemon thread serves every channel of the process; it starts
 * with the first delayed acknowledgement and sleeps when no channel has had one for a
 * while. At JVM shutdown it writes whatever is still held, so that a process that exits
 * right after a {@code recv} does not leave its sender guessing.
 *
 * <p>
 * Holding an acknowledgement does not wake this thread (that would cost a system call and
 * a context switch on every message), so it looks at its channels on a timer instead:
 * every {@link #DELAY} while acknowledgements keep needing it, and less and less often,
 * up to every {@link #MAX_POLL}, while they all travel with replies. A wake-up that finds
 * nothing to do is not free: on a busy CPU it delays whichever call it interrupts (by 30
 * µs and more in a virtual machine, where a timer interrupt exits to the hypervisor), and
 * at 1 ms it did so for 2 to 3 in 100 calls of a request/response loop. An
 * acknowledgement is written at the latest {@code DELAY + MAX_POLL} after its message was
 * taken, as late as TCP's delayed acknowledgements, and within about {@code 2 * DELAY}
 * once the flusher has had to write one.
 */
final class AckFlusher {

	/** How long a receiver holds an acknowledgement back before the flusher writes it. */
	static final Duration DELAY = Duration.ofMillis(1);

	static final long DELAY_NANOS = DELAY.toNanos();

	/** The longest the flusher sleeps while any channel is watched. */
	static final Duration MAX_POLL = Duration.ofMillis(32);

	static final long MAX_POLL_NANOS = MAX_POLL.toNanos();

	/** From {@link DelayedAck#flushIfDue}: the channel needs no more watching. */
	static final int FORGET = 0;

	/** From {@link DelayedAck#flushIfDue}: it wrote an overdue acknowledgement. */
	static final int FLUSHED = 1;

	/** From {@link DelayedAck#flushIfDue}: it holds an acknowledgement not yet due. */
	static final int HOLDING = 2;

	/** From {@link DelayedAck#flushIfDue}: it holds no acknowledgement. */
	static final int IDLE = 3;

	/** How long a channel is watched after its last delayed acknowledgement. */
	static final long FORGET_AFTER_NANOS = Duration.ofMillis(100).toNanos();

	// A channel's held acknowledgement appears once per watch: it is added when its watch
	// begins and removed (that node only) when the flusher ends it, so a watch that
	// begins again at once is not lost.
	private static final Queue<DelayedAck> watched = new ConcurrentLinkedQueue<>();

	private static volatile @Nullable Thread thread;

	// How long the flusher sleeps next. Written by the flusher, and reset by a watch that
	// begins, so that a quiet channel's first held acknowledgement goes out promptly.
	private static volatile long pollNanos = DELAY_NANOS;

	private AckFlusher() {
	}

	/**
	 * Start watching a channel that holds an acknowledgement back. Called when the
	 * channel's watch begins, not for every acknowledgement.
	 */
	static void watch(DelayedAck ack) {
		watched.add(ack);
		pollNanos = DELAY_NANOS;
		Thread flusher = thread;
		LockSupport.unpark((flusher != null) ? flusher : start());
	}

	private static synchronized Thread start() {
		Thread flusher = thread;
		if (flusher == null) {
			flusher = new Thread(AckFlusher::run, "ceramic-ack-flusher");
			flusher.setDaemon(true);
			// It lives as long as the JVM: it must not keep the class loader of whichever
			// application first held an acknowledgement (a redeployed web app, say).
			flusher.setContextClassLoader(null);
			flusher.start();
			try {
				Runtime.getRuntime().addShutdownHook(new Thread(() -> flushAll(true), "ceramic-ack-flusher-shutdown"));
			}
			catch (IllegalStateException ex) {
				// The JVM is shutting down already; the flusher thread still runs until
				// it halts.
			}
			thread = flusher;
		}
		return flusher;
	}

	private static void run() {
		while (true) {
			int found;
			try {
				found = flushAll(false);
			}
			catch (RuntimeException ex) {
				// Never let one bad channel stop the acknowledgements of all the others.
				found = FLUSHED;
			}
			if (found == FORGET) {
				LockSupport.park();
				continue;
			}
			long poll = nextPoll(pollNanos, found);
			pollNanos = poll;
			LockSupport.parkNanos(poll);
		}
	}

	/**
	 * How long to sleep after a look at the channels: {@link #DELAY} after writing an
	 * acknowledgement, twice as long as last time (up to {@link #MAX_POLL}) when no
	 * channel held one, and as long as last time when one held an acknowledgement not yet
	 * due.
	 */
	static long nextPoll(long lastNanos, int found) {
		return switch (found) {
			case FLUSHED -> DELAY_NANOS;
			case IDLE -> Math.min(2 * lastNanos, MAX_POLL_NANOS);
			default -> lastNanos;
		};
	}

	/**
	 * Write the acknowledgements that are overdue, or all of them.
	 * @return {@link #FORGET} if no channel is watched any more, else the most pressing
	 * of what the channels reported: {@link #FLUSHED}, {@link #HOLDING}, {@link #IDLE}
	 */
	private static int flushAll(boolean all) {
		long now = System.nanoTime();
		int found = FORGET;
		for (Iterator<DelayedAck> acks = watched.iterator(); acks.hasNext();) {
			int state = acks.next().flushIfDue(now, all);
			if (state == FORGET) {
				acks.remove();
			}
			else if (found == FORGET || state < found) {
				found = state;
			}
		}
		return found;
	}

}
