package dev.ceramic.channel;

/**
 * Both ends of the channel were blocked in {@code send} with no thread in {@code recv} on
 * either end, so neither send could ever complete. Both sends fail with this exception,
 * neither message is delivered, and the channel stays open and usable.
 */
public final class DeadlockException extends ChannelException {

	private static final long serialVersionUID = 1L;

	DeadlockException(String message) {
		super(message);
	}

}
