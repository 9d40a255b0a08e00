package dev.ceramic.pool;

import java.util.OptionalLong;

import dev.ceramic.CeramicException;
import org.jspecify.annotations.Nullable;

/**
 * Root of the exceptions a caller of an out-of-process service gets from ceramic rather
 * than from the service's own code: failures of the isolation (a crash, a timeout, a
 * rejected call, a worker that did not start), and {@link RemoteServiceException} for a
 * service exception whose type cannot be rebuilt in the application. Every one names the
 * pool and, where one was involved, the worker's pid.
 */
public abstract class WorkerPoolException extends CeramicException {

	private static final long serialVersionUID = 1L;

	private final String poolName;

	private final long workerPid;

	protected WorkerPoolException(String poolName, long workerPid, String message, @Nullable Throwable cause) {
		super(message);
		if (cause != null) {
			initCause(cause);
		}
		this.poolName = poolName;
		this.workerPid = workerPid;
	}

	/**
	 * Return the name of the pool.
	 * @return the pool name
	 */
	public String poolName() {
		return this.poolName;
	}

	/**
	 * Return the pid of the worker involved, if one was.
	 * @return the pid, or empty when no worker was involved (for example a rejected call)
	 */
	public OptionalLong workerPid() {
		return (this.workerPid > 0) ? OptionalLong.of(this.workerPid) : OptionalLong.empty();
	}

}
