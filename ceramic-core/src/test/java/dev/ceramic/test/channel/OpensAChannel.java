package dev.ceramic.test.channel;

import java.nio.charset.StandardCharsets;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelSetupException;
import dev.ceramic.process.ProcMain;

/**
 * A child that opens a channel of its own and answers {@code opened}, or the message of
 * the exception that opening threw.
 */
public class OpensAChannel implements ProcMain {

	@Override
	public void run(Chan chan) {
		String answer;
		try {
			Chan.open().close();
			answer = "opened";
		}
		catch (ChannelSetupException ex) {
			answer = ex.getMessage();
		}
		chan.send(answer.getBytes(StandardCharsets.UTF_8));
	}

}
