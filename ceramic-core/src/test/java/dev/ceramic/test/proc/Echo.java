package dev.ceramic.test.proc;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.process.ProcMain;

/**
 * A child that sends back every message it receives until the channel closes.
 */
public class Echo implements ProcMain {

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
