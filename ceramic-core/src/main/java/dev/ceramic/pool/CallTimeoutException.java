package dev.ceramic.pool;

import java.time.Duration;

/**
 * The call did not complete within its deadline, or the calling thread was interrupted.
 * The worker was killed with SIGKILL (a hung native call cannot be stopped any other way)
 * and is replaced.
 */
public final class CallTimeoutException extends WorkerPoolException {

	private static final long serialVersionUID = 1L;

	private final Duration timeout;

	CallTimeoutException(String poolName, long workerPid, String message, Duration timeout) {
		super(poolName, workerPid, message, null);
		this.timeout = timeout;
	}

	/**
	 * Return the deadline the call had.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

}
