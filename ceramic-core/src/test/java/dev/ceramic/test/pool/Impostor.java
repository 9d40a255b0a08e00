package dev.ceramic.test.pool;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.channel.JsonCodec;
import dev.ceramic.process.ProcMain;

/**
 * A child that the handshake tests launch in place of the real worker entry point, to
 * greet the application the way a worker of another ceramic version, or a broken one,
 * would. It writes the protocol's HELLO by hand: a kind byte {@code 'H'} and a JSON
 * object {@code {protocol, pid, fingerprint}}. The system property {@value #MODE} says
 * how it misbehaves once it has taken the pool's configuration:
 * <ul>
 * <li>{@code version}: a HELLO with protocol version 99;</li>
 * <li>{@code malformed}: a HELLO whose JSON is not an object;</li>
 * <li>{@code result}: a RESULT message instead of a HELLO;</li>
 * <li>{@code silent}: no greeting at all.</li>
 * </ul>
 * After greeting it waits until the channel closes.
 */
public class Impostor implements ProcMain {

	/** System property: how to misbehave. */
	public static final String MODE = "behaviour.impostor";

	/** The protocol version it claims in {@code version} mode. */
	public static final int FOREIGN_VERSION = 99;

	@Override
	public void run(Chan chan) throws Exception {
		String mode = System.getProperty(MODE, "");
		JsonCodec codec = JsonCodec.defaults();
		chan.recv();
		switch (mode) {
			case "version" -> {
				Map<String, Object> hello = new LinkedHashMap<>();
				hello.put("protocol", FOREIGN_VERSION);
				hello.put("pid", ProcessHandle.current().pid());
				hello.put("fingerprint", "000000000000000000000000");
				chan.send(withKind('H', codec.encode(hello, Map.class)));
			}
			case "malformed" -> chan.send(withKind('H', codec.encode("not a greeting", String.class)));
			case "result" -> chan.send(withKind('R', new byte[] { 0, 0, 0, 1 }));
			case "silent" -> {
			}
			default -> throw new IllegalStateException("Unknown " + MODE + " '" + mode + "'");
		}
		try {
			chan.recv();
		}
		catch (ChannelClosedException ex) {
			// The application is done with us.
		}
	}

	private static byte[] withKind(char kind, byte[] body) {
		byte[] message = new byte[1 + body.length];
		message[0] = (byte) kind;
		System.arraycopy(body, 0, message, 1, body.length);
		return message;
	}

}
