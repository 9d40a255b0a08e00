package dev.ceramic.test.proc;

import dev.ceramic.channel.Chan;
import dev.ceramic.process.ProcMain;

/**
 * An entry class that prints a line on standard output while it is loaded, before the
 * child reports that it is ready, and whose {@code run} returns at once, so the child
 * exits with status 0 right after start-up.
 */
public class QuickExit implements ProcMain {

	/** The line printed while the class is initialised. */
	public static final String GREETING = "QuickExit: loaded";

	static {
		System.out.println(GREETING);
		System.out.flush();
	}

	@Override
	public void run(Chan chan) {
	}

}
