package dev.ceramic.benchmarks;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.process.ProcMain;

/**
 * The child side of the {@code Chan} round trip: sends back every message until the
 * channel closes.
 */
public class EchoEntry implements ProcMain {

	@Override
	public void run(Chan chan) {
		try {
			while (true) {
				chan.send(chan.recv());
			}
		}
		catch (ChannelClosedException ex) {
			// The benchmark is done with us.
		}
	}

}
