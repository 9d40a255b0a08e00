package dev.ceramic.test;

import dev.ceramic.channel.Chan;
import dev.ceramic.process.ProcMain;

/**
 * An entry class that cannot be made: its constructor throws.
 */
public class ProcTestThrowingConstructor implements ProcMain {

	/** The message of the exception the constructor throws. */
	public static final String MESSAGE = "ProcTestThrowingConstructor refuses to be constructed";

	public ProcTestThrowingConstructor() {
		throw new IllegalStateException(MESSAGE);
	}

	@Override
	public void run(Chan chan) {
		throw new AssertionError("never reached");
	}

}
