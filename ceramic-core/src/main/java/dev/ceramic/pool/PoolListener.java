package dev.ceramic.pool;

/**
 * Hears what happens in a pool, for metrics and logs. Called on pool threads and callers'
 * threads, so it must be quick and must not call back into the pool.
 */
@FunctionalInterface
public interface PoolListener {

	/**
	 * Called for each event.
	 * @param event the event
	 */
	void onEvent(PoolEvent event);

}
