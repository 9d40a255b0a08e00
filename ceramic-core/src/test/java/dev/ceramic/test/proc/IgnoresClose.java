package dev.ceramic.test.proc;

import dev.ceramic.channel.Chan;
import dev.ceramic.process.ProcMain;

/**
 * A child that never looks at its channel again and never ends by itself: it sleeps for
 * ever, ignoring interrupts.
 */
public class IgnoresClose implements ProcMain {

	@Override
	public void run(Chan chan) {
		while (true) {
			try {
				Thread.sleep(Long.MAX_VALUE);
			}
			catch (InterruptedException ex) {
				// Ignored on purpose.
			}
		}
	}

}
