package dev.ceramic.test.proc;

import dev.ceramic.channel.Chan;
import dev.ceramic.process.ProcMain;

/**
 * An entry class that cannot be made: its constructor throws.
 */
public class ThrowingConstructor implements ProcMain {

	/** The message of the exception the constructor throws. */
	public static final String MESSAGE = "ThrowingConstructor refuses to be constructed";

	public ThrowingConstructor() {
		throw new IllegalStateException(MESSAGE);
	}

	@Override
	public void run(Chan chan) {
		throw new AssertionError("never reached");
	}

}
