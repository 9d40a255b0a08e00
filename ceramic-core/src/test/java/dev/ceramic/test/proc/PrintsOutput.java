package dev.ceramic.test.proc;

import java.util.List;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.process.ProcMain;

/**
 * A child that prints {@link #STDOUT_LINES} on standard output and {@link #STDERR_LINES}
 * on standard error, then waits until the channel closes.
 */
public class PrintsOutput implements ProcMain {

	/** The lines printed on standard output. */
	public static final List<String> STDOUT_LINES = List.of("PrintsOutput: out 1", "PrintsOutput: out 2",
			"PrintsOutput: out 3 with unicode \u00e9\u4e2d");

	/** The lines printed on standard error. */
	public static final List<String> STDERR_LINES = List.of("PrintsOutput: err 1", "PrintsOutput: err 2");

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
