package dev.ceramic.pool;

/**
 * The life of a {@link WorkerPool}.
 */
public enum PoolState {

	/** Built, not started yet. */
	NEW,

	/** Serving calls. */
	RUNNING,

	/**
	 * Workers died during start-up {@code crash-loop-threshold} times in a row, so calls
	 * fail at once with the start-up error, and the pool tries to start a worker again
	 * now and then.
	 */
	FAILED,

	/**
	 * Shutting down: no new calls; calls in flight finish within {@code shutdown-grace}.
	 */
	STOPPING,

	/** Shut down; every worker is gone. */
	STOPPED

}
