package dev.ceramic.spring.threads;

/**
 * A service that keeps its worker busy for a while.
 */
public interface Sleeper {

	/**
	 * Sleep in the worker.
	 * @param millis how long
	 * @return the worker's pid
	 */
	long sleep(int millis);

}
