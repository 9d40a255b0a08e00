package dev.ceramic.test.proc;

import java.nio.charset.StandardCharsets;

import dev.ceramic.channel.Chan;
import dev.ceramic.process.ProcMain;

/**
 * A child that waits for one command: {@code return} makes its {@code run} return,
 * {@code throw} makes it throw an exception with {@link #FAILURE}.
 */
public class ExitOnCommand implements ProcMain {

	/** The message of the exception thrown on {@code throw}. */
	public static final String FAILURE = "ExitOnCommand fails on purpose";

	@Override
	public void run(Chan chan) {
		String command = new String(chan.recv(), StandardCharsets.UTF_8);
		switch (command) {
			case "return" -> {
			}
			case "throw" -> throw new IllegalStateException(FAILURE);
			default -> throw new IllegalArgumentException("Unknown command " + command);
		}
	}

}
