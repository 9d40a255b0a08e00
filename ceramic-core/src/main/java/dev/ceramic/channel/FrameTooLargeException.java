package dev.ceramic.channel;

/**
 * A frame was larger than the channel's maximum frame size. On receive, the announced
 * size is never allocated and the channel is closed, because the stream cannot be
 * resynchronised; later calls fail with a {@link ChannelClosedException} whose reason is
 * {@link ChannelClosedException.Reason#BROKEN BROKEN}. On send, nothing was written and
 * the channel stays open.
 */
public final class FrameTooLargeException extends ChannelException {

	private static final long serialVersionUID = 1L;

	FrameTooLargeException(String message) {
		super(message);
	}

}
