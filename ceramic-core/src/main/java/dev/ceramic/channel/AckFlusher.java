package dev.ceramic.channel;

import java.time.Duration;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * Writes the acknowledgements that receivers held back and did not get to send with a
 * frame of their own within {@link #DELAY}. One daemon thread serves every channel of the
 * process; it starts with the first delayed acknowledgement and sleeps when no channel
 * has had one for a while. At JVM shutdown it writes whatever is still held, so that a
 * process that exits right after a {@code recv} does not leave its sender guessing.
 */
final class AckFlusher {

	/** The longest a receiver holds an acknowledgement back. */
	static final Duration DELAY = Duration.ofMillis(1);

	static final long DELAY_NANOS = DELAY.toNanos();

	/**
	 * Returned by {@link Chan#flushDelayedAck} when the channel needs no more watching.
	 */
	static final long FORGET = Long.MIN_VALUE;

	/** How long a channel is watched after its last delayed acknowledgement. */
	static final long FORGET_AFTER_NANOS = Duration.ofMillis(100).toNanos();

	// A channel appears once per watch: it is added when its watch begins and removed
	// (that node only) when the flusher ends it, so a watch that begins again at once is
	// not lost.
	private static final Queue<Chan> watched = new ConcurrentLinkedQueue<>();

	private static volatile @Nullable Thread thread;

	private AckFlusher() {
	}

	/**
	 * Start watching a channel that holds an acknowledgement back. Called when the
	 * channel's watch begins, not for every acknowledgement.
	 */
	static void watch(Chan chan) {
		watched.add(chan);
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
			long next;
			try {
				next = flushAll(false);
			}
			catch (RuntimeException ex) {
				// Never let one bad channel stop the acknowledgements of all the others.
				next = System.nanoTime() + DELAY_NANOS;
			}
			if (next == Long.MAX_VALUE) {
				LockSupport.park();
			}
			else {
				LockSupport.parkNanos(Math.max(next - System.nanoTime(), 10_000));
			}
		}
	}

	/**
	 * Write the acknowledgements that are due, or all of them.
	 * @return when the next one is due, or {@code Long.MAX_VALUE} if none is held
	 */
	private static long flushAll(boolean all) {
		long now = System.nanoTime();
		long next = Long.MAX_VALUE;
		for (Iterator<Chan> chans = watched.iterator(); chans.hasNext();) {
			long due = chans.next().flushDelayedAck(now, all);
			if (due == FORGET) {
				chans.remove();
			}
			else {
				next = Math.min(next, due);
			}
		}
		return next;
	}

}
