package dev.ceramic;

import java.util.Objects;

/**
 * Root of every failure ceramic reports: a channel that failed, a child process that did
 * not start, or a call into a worker pool that could not be served. Catch it to handle
 * any failure of the isolation itself; exceptions thrown by a service come back as their
 * own type instead. Unchecked, so that calls compose with lambdas. Each distinct failure
 * is one final subclass. Misuse, such as invalid settings or an argument that cannot be
 * encoded, is an {@code IllegalArgumentException} or {@code IllegalStateException}, as in
 * the JDK.
 */
public abstract class CeramicException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	protected CeramicException(String message) {
		super(message);
	}

	protected CeramicException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Return the message, which every ceramic exception has.
	 * @return the message
	 */
	@Override
	public String getMessage() {
		return Objects.requireNonNull(super.getMessage());
	}

}
