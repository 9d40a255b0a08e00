package dev.ceramic.test.pool;

import dev.ceramic.pool.CallTimeout;

/**
 * A service interface for the pool's behaviour tests: calls that take time, report their
 * worker, grow its memory or end it.
 */
public interface TestService {

	/**
	 * Return the worker's pid.
	 * @return the pid
	 */
	long pid();

	/**
	 * Sleep, then return the worker's pid.
	 * @param millis how long to sleep
	 * @return the pid
	 */
	long sleepMillis(long millis);

	/**
	 * Wait until a file exists, then return the worker's pid: a latch that a test opens
	 * by creating the file, so that a call stays in flight exactly as long as the test
	 * needs.
	 * @param path the file
	 * @return the pid
	 */
	long awaitFile(String path);

	/**
	 * Sleep, then return the worker's pid, with a short {@link CallTimeout} of 500 ms.
	 * @param millis how long to sleep
	 * @return the pid
	 */
	@CallTimeout(millis = 500)
	long sleepWithShortTimeout(long millis);

	/**
	 * Allocate memory and hold on to it, touching every page so that it is resident.
	 * @param megabytes how much, in MiB
	 * @return the pid
	 */
	long allocate(int megabytes);

	/**
	 * Return at once, and allocate memory as {@link #allocate(int)} does a little later,
	 * while the worker is idle.
	 * @param megabytes how much, in MiB
	 * @param delayMillis how long to wait before allocating
	 * @return the pid
	 */
	long allocateLater(int megabytes, long delayMillis);

	/**
	 * Return the value.
	 * @param value a value
	 * @return the same value
	 */
	int echo(int value);

	/**
	 * End the worker with {@code System.exit}.
	 * @param status the exit status
	 */
	void exit(int status);

	/**
	 * Runs in the caller's process.
	 * @return the caller's pid
	 */
	default long callerPid() {
		return ProcessHandle.current().pid();
	}

	/**
	 * Runs in the caller's process and calls the worker twice.
	 * @param value a value
	 * @return twice the value, from two calls
	 */
	default int echoTwiceAndAdd(int value) {
		return echo(value) + echo(value);
	}

}
