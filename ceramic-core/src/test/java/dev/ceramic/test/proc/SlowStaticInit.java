package dev.ceramic.test.proc;

import dev.ceramic.channel.Chan;
import dev.ceramic.process.ProcMain;

/**
 * An entry class whose static initializer takes five seconds, far longer than the
 * start-up timeout the test gives it.
 */
public class SlowStaticInit implements ProcMain {

	static {
		try {
			Thread.sleep(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void run(Chan chan) {
	}

}
