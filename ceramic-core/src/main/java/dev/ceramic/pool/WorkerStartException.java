package dev.ceramic.pool;

import org.jspecify.annotations.Nullable;

/**
 * A worker could not start: its JVM failed to launch or exited during start-up, its
 * services could not be made, or it did not greet the application within
 * {@code startup-timeout}. The message says which, with the worker's last lines of
 * standard error. Callers see it as the cause of a {@link CallRejectedException} once the
 * pool has failed.
 */
public final class WorkerStartException extends WorkerPoolException {

	private static final long serialVersionUID = 1L;

	WorkerStartException(String poolName, long workerPid, String message, @Nullable Throwable cause) {
		super(poolName, workerPid, message, cause);
	}

}
