package dev.ceramic.pool;

import java.util.ArrayDeque;
import java.util.Deque;

import org.jspecify.annotations.Nullable;

/**
 * What the pool counts for its snapshots: workers started (and of those, replacements and
 * growth), crashes, timeouts, recycles and failed starts, the last crash, and the
 * failures of the last minute. Guarded by the roster's lock, like the state the counts go
 * with.
 */
final class PoolCounters {

	private final Deque<Long> failureTimes = new ArrayDeque<>();

	private long workersStarted;

	private long replacements;

	private long growth;

	private long crashes;

	private long timeouts;

	private long recycles;

	private long startFailures;

	private @Nullable String lastCrash;

	void workerStarted(Start why) {
		this.workersStarted++;
		if (why == Start.REPLACEMENT) {
			this.replacements++;
		}
		else if (why == Start.GROWTH) {
			this.growth++;
		}
	}

	void crashed(@Nullable String detail) {
		this.failureTimes.addLast(System.nanoTime());
		this.crashes++;
		this.lastCrash = detail;
	}

	void timedOut() {
		this.failureTimes.addLast(System.nanoTime());
		this.timeouts++;
	}

	void recycled() {
		this.recycles++;
	}

	void startFailed() {
		this.failureTimes.addLast(System.nanoTime());
		this.startFailures++;
	}

	/**
	 * Return the counts as they are now.
	 * @return the counts
	 */
	Totals totals() {
		return new Totals(this.workersStarted, this.replacements, this.growth, this.crashes, this.timeouts,
				this.recycles, this.startFailures, this.lastCrash, recentFailures());
	}

	/**
	 * Crashes, timeouts and failed starts within
	 * {@link WorkerPool#RECENT_FAILURE_WINDOW}.
	 */
	private int recentFailures() {
		long horizon = System.nanoTime() - WorkerPool.RECENT_FAILURE_WINDOW.toNanos();
		while (!this.failureTimes.isEmpty() && this.failureTimes.peekFirst() - horizon < 0) {
			this.failureTimes.pollFirst();
		}
		return this.failureTimes.size();
	}

	/**
	 * The counts at one moment.
	 *
	 * @param workersStarted workers that started
	 * @param replacements workers started in place of ones that died, timed out or were
	 * recycled
	 * @param growth workers started because calls were waiting
	 * @param crashes workers that crashed
	 * @param timeouts calls that timed out
	 * @param recycles workers recycled
	 * @param startFailures workers that failed to start
	 * @param lastCrash the last crash's description
	 * @param recentFailures crashes, timeouts and failed starts in the last minute
	 */
	record Totals(long workersStarted, long replacements, long growth, long crashes, long timeouts, long recycles,
			long startFailures, @Nullable String lastCrash, int recentFailures) {

	}

	/** Why a worker started. */
	enum Start {

		/** One of the pool's first min-workers. */
		INITIAL,

		/** In place of a worker that died, timed out or was recycled. */
		REPLACEMENT,

		/** Because calls were waiting and the pool was below max-workers. */
		GROWTH

	}

}
