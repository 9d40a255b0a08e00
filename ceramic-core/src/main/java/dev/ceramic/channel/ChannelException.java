package dev.ceramic.channel;

/**
 * Base class of every failure a {@link Chan} reports. Unchecked, so that channel calls
 * compose with lambdas; each distinct failure has its own subclass.
 */
public class ChannelException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ChannelException(String message) {
		super(message);
	}

	public ChannelException(String message, Throwable cause) {
		super(message, cause);
	}

}
