package dev.ceramic.channel;

/**
 * A value is too large to send: over the limit of the path it would take (a frame's
 * maximum size, or the largest value that travels out of band). Nothing was sent, so the
 * peer and the channel are untouched; only this send, or this call, fails.
 *
 * <p>
 * It is an {@link IllegalArgumentException}, like a value that cannot be encoded at all:
 * the caller's argument is wrong, not the channel or the process at its other end, so it
 * stays out of the exceptions that report a failure of isolation.
 */
public final class ValueTooLargeException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	/**
	 * Make one that says which value is too large, how large, and which limit to raise.
	 * @param message the message
	 */
	public ValueTooLargeException(String message) {
		super(message);
	}

}
