package dev.ceramic.pool;

import org.jspecify.annotations.Nullable;

/**
 * The service implementation threw an exception whose type the caller does not get back
 * as itself (it is not declared by the method and is not a standard JDK runtime
 * exception). It carries the original class name, message and stack trace; the cause
 * chain is made of further {@code RemoteServiceException}s. The worker is fine and keeps
 * serving.
 */
public final class RemoteServiceException extends WorkerPoolException {

	private static final long serialVersionUID = 1L;

	private final String remoteClassName;

	RemoteServiceException(String poolName, long workerPid, String remoteClassName, String message,
			@Nullable Throwable cause) {
		super(poolName, workerPid, message, cause);
		this.remoteClassName = remoteClassName;
	}

	/**
	 * Return the class name of the exception the implementation threw.
	 * @return the class name; the class itself is never loaded by the caller
	 */
	public String remoteClassName() {
		return this.remoteClassName;
	}

}
