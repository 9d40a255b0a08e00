package dev.ceramic.channel;

/**
 * The channel is closed: by this end ({@link Reason#CLOSED_HERE}), by the peer
 * ({@link Reason#PEER_CLOSED}), or because the peer went away without closing
 * ({@link PeerGoneException}). Every later call on the channel fails with this exception:
 * it is the one way the end of a channel is reported.
 */
public class ChannelClosedException extends ChannelException {

	private static final long serialVersionUID = 1L;

	private final Reason reason;

	public ChannelClosedException(Reason reason, String message) {
		super(message);
		this.reason = reason;
	}

	public ChannelClosedException(Reason reason, String message, Throwable cause) {
		super(message, cause);
		this.reason = reason;
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
