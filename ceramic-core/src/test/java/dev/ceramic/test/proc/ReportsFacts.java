package dev.ceramic.test.proc;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.channel.TypedSender;
import dev.ceramic.process.ProcMain;

/**
 * A child that sends a {@link ChildFacts} about itself, then prints
 * {@link #STDERR_MARKER} on standard error, then waits until the channel closes.
 * Everything the JVM printed on standard error during start-up comes before the marker.
 */
public class ReportsFacts implements ProcMain {

	/** The line the child prints on standard error once it has sent its facts. */
	public static final String STDERR_MARKER = "ReportsFacts: facts sent";

	@Override
	public void run(Chan chan) {
		Map<String, String> properties = new LinkedHashMap<>();
		System.getProperties().stringPropertyNames().forEach((key) -> properties.put(key, System.getProperty(key)));
		ChildFacts facts = new ChildFacts(ProcessHandle.current().pid(), Runtime.getRuntime().maxMemory(),
				Runtime.version().feature(), System.getProperty("java.home"), Path.of("").toAbsolutePath().toString(),
				new LinkedHashMap<>(System.getenv()), properties);
		TypedSender.over(chan, ChildFacts.class).send(facts);
		System.err.println(STDERR_MARKER);
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
