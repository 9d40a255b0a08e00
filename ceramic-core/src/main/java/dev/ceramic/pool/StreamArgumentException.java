package dev.ceramic.pool;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A stream the application passed to a call could not be read, or could not be handed to
 * the worker: the failure is the application's, whatever the worker made of the stream it
 * saw end early, so the call fails with this and the worker is kept. Its cause is the
 * stream's own {@link IOException}.
 */
public final class StreamArgumentException extends UncheckedIOException {

	private static final long serialVersionUID = 1L;

	StreamArgumentException(String message, IOException cause) {
		super(message, cause);
	}

}
