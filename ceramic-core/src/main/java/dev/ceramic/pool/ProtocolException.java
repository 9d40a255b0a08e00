package dev.ceramic.pool;

import dev.ceramic.CeramicException;

/**
 * A message broke the invocation protocol: wrong kind, wrong call id, truncated or
 * malformed. Public because the application's side of the pool catches it and callers
 * meet it as the cause of a {@link dev.ceramic.pool.WorkerCrashedException} or
 * {@link dev.ceramic.pool.WorkerStartException}.
 */
public final class ProtocolException extends CeramicException {

	private static final long serialVersionUID = 1L;

	ProtocolException(String message) {
		super(message);
	}

	ProtocolException(String message, Throwable cause) {
		super(message, cause);
	}

}
