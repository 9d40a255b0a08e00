package dev.ceramic.pool;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Something that happened to a pool or one of its workers, as told to a
 * {@link PoolListener}.
 *
 * @param pool the pool's name
 * @param type what happened
 * @param workerPid the worker's pid, or 0 when no worker is concerned
 * @param detail a human-readable detail, such as the crash message
 * @param time when it happened
 */
public record PoolEvent(String pool, Type type, long workerPid, @Nullable String detail, Instant time) {

	/**
	 * What happened.
	 */
	public enum Type {

		/** A worker started and greeted the application. */
		WORKER_STARTED,

		/** A worker could not start. */
		WORKER_START_FAILED,

		/** A worker died, during a call or while idle. */
		WORKER_CRASHED,

		/**
		 * A call's deadline passed (or its caller was interrupted) and its worker was
		 * killed.
		 */
		WORKER_TIMED_OUT,

		/**
		 * A worker was replaced after max-calls-per-worker calls or past
		 * max-worker-memory.
		 */
		WORKER_RECYCLED,

		/** A worker above min-workers stopped after idle-timeout. */
		WORKER_IDLE_STOPPED,

		/** Workers kept dying during start-up, so the pool failed. */
		POOL_FAILED,

		/** A failed pool started a worker again. */
		POOL_RECOVERED

	}

}
