package dev.ceramic.channel;

/**
 * The other end of the channel disappeared without closing it, which on a socketpair
 * means that the process holding it exited, crashed or was killed.
 */
public class PeerGoneException extends ChannelClosedException {

	private static final long serialVersionUID = 1L;

	public PeerGoneException(String message) {
		super(Reason.PEER_GONE, message);
	}

	public PeerGoneException(String message, Throwable cause) {
		super(Reason.PEER_GONE, message, cause);
	}

}
