package dev.ceramic.channel;

/**
 * A message arrived intact but its content could not be decoded into the expected type.
 * Only that receive fails: the frame was consumed and the channel stays open.
 */
public final class MessageDecodingException extends ChannelException {

	private static final long serialVersionUID = 1L;

	MessageDecodingException(String message, Throwable cause) {
		super(message, cause);
	}

	MessageDecodingException(String message) {
		super(message);
	}

}
