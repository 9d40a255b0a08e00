package dev.ceramic.benchmarks;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.process.ProcMain;

/**
 * The child side of the start-up measurement: sends one message as soon as it runs, then
 * waits for the channel to close.
 */
public class FirstMessageEntry implements ProcMain {

	@Override
	public void run(Chan chan) {
		try {
			chan.send(new byte[] { 1 });
			chan.recv();
		}
		catch (ChannelClosedException ex) {
			// The benchmark is done with us.
		}
	}

}
