package dev.ceramic.test;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.process.ProcMain;

/**
 * An entry class that prints text without a line end on standard output while it is
 * loaded, as a progress indicator or a banner might, then waits until the channel closes.
 */
public class ProcTestPartialLine implements ProcMain {

	/** The text printed, with no line end. */
	public static final String PARTIAL = "ProcTestPartialLine: loading...";

	static {
		System.out.print(PARTIAL);
		System.out.flush();
	}

	@Override
	public void run(Chan chan) {
		try {
			while (true) {
				chan.send(chan.recv());
			}
		}
		catch (ChannelClosedException ex) {
			// The parent is done with us.
		}
	}

}
