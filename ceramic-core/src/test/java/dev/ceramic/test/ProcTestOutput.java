package dev.ceramic.test;

import java.util.List;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.process.ProcMain;

/**
 * A child that prints {@link #STDOUT_LINES} on standard output and {@link #STDERR_LINES}
 * on standard error, then waits until the channel closes.
 */
public class ProcTestOutput implements ProcMain {

	/** The lines printed on standard output. */
	public static final List<String> STDOUT_LINES = List.of("ProcTestOutput: out 1", "ProcTestOutput: out 2",
			"ProcTestOutput: out 3 with unicode \u00e9\u4e2d");

	/** The lines printed on standard error. */
	public static final List<String> STDERR_LINES = List.of("ProcTestOutput: err 1", "ProcTestOutput: err 2");

	@Override
	public void run(Chan chan) {
		STDOUT_LINES.forEach(System.out::println);
		System.out.flush();
		STDERR_LINES.forEach(System.err::println);
		System.err.flush();
		try {
			while (true) {
				chan.recv();
			}
		}
		catch (ChannelClosedException ex) {
			// The parent is done with us.
		}
	}

}
