package dev.ceramic.channel;

/**
 * A channel end could not be set up: the socketpair could not be created, the other end
 * could not be used, standard input is not the socket of a ceramic channel, or
 * junixsocket could not take over a child's end. In the last case the channel breaks, and
 * this exception is the cause of the {@link ChannelClosedException} that calls report.
 */
public final class ChannelSetupException extends ChannelException {

	private static final long serialVersionUID = 1L;

	ChannelSetupException(String message) {
		super(message);
	}

	ChannelSetupException(String message, Throwable cause) {
		super(message, cause);
	}

}
