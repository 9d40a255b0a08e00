package dev.ceramic.channel;

import dev.ceramic.CeramicException;

/**
 * Base class of every failure a {@link Chan} reports; each distinct failure is one final
 * subclass. Unchecked, so that channel calls compose with lambdas.
 */
public abstract class ChannelException extends CeramicException {

	private static final long serialVersionUID = 1L;

	ChannelException(String message) {
		super(message);
	}

	ChannelException(String message, Throwable cause) {
		super(message, cause);
	}

}
