package dev.ceramic.pool;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the pool's events to its listeners, so that a listener that fails costs a log
 * line and nothing else, and logs the ones an operator wants to see: one WARN for each
 * worker that crashed or timed out, one INFO for each worker recycled or stopped idle,
 * with the reason.
 */
final class PoolEvents {

	// Under the pool's own category, the one applications configure.
	private static final Logger logger = LoggerFactory.getLogger(WorkerPool.class);

	private final String poolName;

	private final List<PoolListener> listeners;

	PoolEvents(String poolName, List<PoolListener> listeners) {
		this.poolName = poolName;
		this.listeners = new CopyOnWriteArrayList<>(listeners);
	}

	void addListener(PoolListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Tell every listener; never call with the roster's lock held.
	 * @param type what happened
	 * @param pid the worker's pid, or 0 when no worker was involved
	 * @param detail what happened, in words
	 */
	void publish(PoolEvent.Type type, long pid, @Nullable String detail) {
		log(type, pid, detail);
		PoolEvent event = new PoolEvent(this.poolName, type, pid, detail, Instant.now());
		for (PoolListener listener : this.listeners) {
			try {
				listener.onEvent(event);
			}
			catch (RuntimeException ex) {
				logger.warn("Listener {} of pool '{}' failed on {}", listener, this.poolName, type, ex);
			}
		}
	}

	/**
	 * Log what an operator must hear of. A crash or timeout's detail already names the
	 * pool, the pid, the method and the exit status or signal.
	 */
	private void log(PoolEvent.Type type, long pid, @Nullable String detail) {
		switch (type) {
			case WORKER_CRASHED, WORKER_TIMED_OUT -> logger.warn("{}",
					(detail != null) ? detail : "Worker pid " + pid + " of pool '" + this.poolName + "' died");
			case WORKER_RECYCLED ->
				logger.info("Worker pid {} of pool '{}' is recycled: {}", pid, this.poolName, detail);
			case WORKER_IDLE_STOPPED ->
				logger.info("Worker pid {} of pool '{}' is stopped: {}", pid, this.poolName, detail);
			default -> {
				// Start-up failures, failing and recovering are logged where they are
				// decided.
			}
		}
	}

}
