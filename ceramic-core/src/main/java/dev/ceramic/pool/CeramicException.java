package dev.ceramic.pool;

import java.util.OptionalLong;

import org.jspecify.annotations.Nullable;

/**
 * Base class of the exceptions a caller of an out-of-process service sees for failures of
 * the isolation itself (as opposed to exceptions thrown by the service, which come back
 * as their own type or as a {@link RemoteServiceException}). Every one names the pool
 * and, where one was involved, the worker's pid.
 */
public abstract class CeramicException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String poolName;

	private final long workerPid;

	protected CeramicException(String poolName, long workerPid, String message, @Nullable Throwable cause) {
		super(message, cause);
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
