package dev.ceramic.pool;

import org.jspecify.annotations.Nullable;

/**
 * The call was not run: no worker became free in time, the queue of waiting calls was
 * full, the pool has failed because its workers cannot start, or the pool is shut down.
 * Nothing was sent to any worker.
 */
public final class CallRejectedException extends WorkerPoolException {

	private static final long serialVersionUID = 1L;

	private final Reason reason;

	CallRejectedException(String poolName, Reason reason, String message, @Nullable Throwable cause) {
		super(poolName, 0, message, cause);
		this.reason = reason;
	}

	/**
	 * Return why the call was rejected.
	 * @return the reason
	 */
	public Reason reason() {
		return this.reason;
	}

	/**
	 * Why a call was rejected.
	 */
	public enum Reason {

		/** Every worker stayed busy for the whole {@code acquire-timeout}. */
		ACQUIRE_TIMEOUT,

		/** {@code max-queued-calls} callers were already waiting. */
		QUEUE_FULL,

		/**
		 * Workers die during start-up again and again, so the pool stopped starting them.
		 */
		POOL_FAILED,

		/** The pool is shutting down or shut down. */
		SHUT_DOWN

	}

}
