package dev.ceramic.channel;

/**
 * The calling thread was interrupted while it waited on the channel, for its turn, for a
 * message or for the peer to take one. The thread's interrupt flag is set again. A
 * {@code recv} consumed nothing; a {@code send} may or may not have been taken.
 */
public final class ChannelInterruptedException extends ChannelException {

	private static final long serialVersionUID = 1L;

	private ChannelInterruptedException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Report an interrupted wait, setting the thread's interrupt flag again.
	 * @param waiting what the thread was doing, as in {@code "waiting to send on ..."}
	 * @param ex the interruption
	 * @return the exception to throw
	 */
	static ChannelInterruptedException after(String waiting, InterruptedException ex) {
		Thread.currentThread().interrupt();
		return new ChannelInterruptedException("Interrupted while " + waiting, ex);
	}

}
