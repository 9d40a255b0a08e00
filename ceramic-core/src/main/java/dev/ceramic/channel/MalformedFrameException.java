package dev.ceramic.channel;

/**
 * The peer sent bytes that are not a valid frame of this protocol. The channel is closed,
 * because the stream cannot be resynchronised; later calls fail with a
 * {@link ChannelClosedException} whose reason is
 * {@link ChannelClosedException.Reason#BROKEN BROKEN}.
 */
public final class MalformedFrameException extends ChannelException {

	private static final long serialVersionUID = 1L;

	MalformedFrameException(String message) {
		super(message);
	}

}
