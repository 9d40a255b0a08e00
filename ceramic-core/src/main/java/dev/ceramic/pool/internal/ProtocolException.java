package dev.ceramic.pool.internal;

/**
 * A message broke the invocation protocol: wrong kind, wrong call id, truncated or
 * malformed.
 */
public class ProtocolException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ProtocolException(String message) {
		super(message);
	}

	public ProtocolException(String message, Throwable cause) {
		super(message, cause);
	}

}
