package dev.ceramic.channel;

/**
 * The channel is closed: by this end ({@link Reason#CLOSED_HERE}), by the peer
 * ({@link Reason#PEER_CLOSED}), because the peer went away without closing
 * ({@link Reason#PEER_GONE}), or because it broke ({@link Reason#BROKEN}). Every later
 * call on the channel fails with this exception: it is the one way the end of a channel
 * is reported, and {@link #reason()} says which end it was.
 */
public final class ChannelClosedException extends ChannelException {

	private static final long serialVersionUID = 1L;

	private final Reason reason;

	ChannelClosedException(Reason reason, String message) {
		super(message);
		this.reason = reason;
	}

	ChannelClosedException(Reason reason, String message, Throwable cause) {
		super(message, cause);
		this.reason = reason;
	}

	/**
	 * Return the exception for a call on a channel that {@code reason} closed: a fresh
	 * one for each caller, so that its stack trace shows the caller's call.
	 * @param reason what closed the channel
	 * @return the exception to throw
	 */
	static ChannelClosedException reporting(ChannelException reason) {
		if (reason instanceof ChannelClosedException closed) {
			return new ChannelClosedException(closed.reason(), reason.getMessage(), reason);
		}
		return new ChannelClosedException(Reason.BROKEN,
				"The channel is closed because it broke: " + reason.getMessage(), reason);
	}

	/**
	 * Return why the channel is closed.
	 * @return the reason
	 */
	public Reason reason() {
		return this.reason;
	}

	/**
	 * Why a channel is closed.
	 */
	public enum Reason {

		/** {@link Chan#close()} was called on this end. */
		CLOSED_HERE,

		/** The peer called {@link Chan#close()}. */
		PEER_CLOSED,

		/** The peer's end vanished without a close: its process exited or crashed. */
		PEER_GONE,

		/** The channel was broken by a protocol violation, such as an oversized frame. */
		BROKEN

	}

}
