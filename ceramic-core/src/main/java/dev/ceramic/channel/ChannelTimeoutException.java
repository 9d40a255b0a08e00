package dev.ceramic.channel;

/**
 * A {@code send} or {@code recv} with a timeout did not complete in time. The channel
 * stays open and usable: a timed-out {@code recv} consumed nothing, and a timed-out
 * {@code send} has withdrawn its message (see
 * {@link Chan#send(byte[], java.time.Duration)}). The exception is
 * {@link Chan#sendRequest(byte[], java.time.Duration)}, whose message cannot be
 * withdrawn: when it times out after sending, it closes the channel.
 */
public final class ChannelTimeoutException extends ChannelException {

	private static final long serialVersionUID = 1L;

	ChannelTimeoutException(String message) {
		super(message);
	}

}
