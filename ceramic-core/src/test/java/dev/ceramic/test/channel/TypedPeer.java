package dev.ceramic.test.channel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.channel.JsonCodec;
import dev.ceramic.channel.TypedReceiver;
import dev.ceramic.channel.TypedSender;
import dev.ceramic.process.ProcMain;

/**
 * The child side of the typed channel tests. It waits for a command (a raw UTF-8 string),
 * does it, and waits for the next, until the channel closes.
 *
 * <ul>
 * <li>{@code point}, {@code points}, {@code bytes}, {@code blob}: receive one typed value
 * and send back its transformation, so that the reply proves it was decoded.</li>
 * <li>{@code null}: receive a typed point and say (as a typed string) whether it was
 * null, then send a typed null point.</li>
 * <li>{@code raw-echo}: receive one message as raw bytes and send the same bytes
 * back.</li>
 * <li>{@code garbage}, {@code deep N}, {@code string N}, {@code class-names}: send
 * messages that the parent should refuse or treat with care, then {@link #AFTER}.</li>
 * </ul>
 */
public class TypedPeer implements ProcMain {

	/** The point sent after every batch of hostile messages. */
	public static final TypedPoint AFTER = new TypedPoint("after", 7, 8);

	/** The JSON texts sent by {@code class-names}. */
	public static final List<String> CLASS_NAME_JSON = List.of(
			"{\"@class\":\"java.lang.ProcessBuilder\",\"command\":[\"true\"]}",
			"[\"java.lang.ProcessBuilder\",{\"command\":[\"true\"]}]",
			"{\"@type\":\"java.lang.ProcessBuilder\",\"command\":[\"true\"]}");

	/** What {@code garbage} sends, in order. */
	public static final List<byte[]> GARBAGE = List.of(
			// too short for the length prefix
			new byte[] { 1, 2 },
			// a JSON length beyond the message
			new byte[] { 0, 0, 3, (byte) 0xe8, '{', '}', ' ' },
			// not JSON
			rawJson("{oops"),
			// JSON, but not a point
			rawJson("\"just a string\""),
			// a point followed by more JSON
			rawJson("{\"label\":\"a\",\"x\":1,\"y\":2} {}"),
			// an attachment that claims more bytes than there are
			concat(rawJson("0"), new byte[] { 0, 0, 0, 99, 1, 2 }),
			// random bytes that happen to start with a small length
			new byte[] { 0, 0, 0, 4, (byte) 0xff, (byte) 0xfe, 0, (byte) 0x80, 42 });

	@Override
	public void run(Chan chan) {
		try {
			while (true) {
				String[] command = new String(chan.recv(), StandardCharsets.UTF_8).split(" ");
				handle(chan, command);
			}
		}
		catch (ChannelClosedException ex) {
			// The parent is done with us.
		}
	}

	private void handle(Chan chan, String[] command) {
		TypedSender<TypedPoint> points = TypedSender.over(chan, TypedPoint.class);
		switch (command[0]) {
			case "point" -> points.send(TypedReceiver.over(chan, TypedPoint.class).recv().transformed());
			case "points" -> {
				TypedReceiver<List<TypedPoint>> in = TypedReceiver.over(chan, JsonCodec.defaults(),
						GenericTypes.POINTS);
				List<TypedPoint> reply = new ArrayList<>();
				in.recv().forEach((point) -> reply.add(point.transformed()));
				Collections.reverse(reply);
				TypedSender.<List<TypedPoint>>over(chan, JsonCodec.defaults(), GenericTypes.POINTS).send(reply);
			}
			case "null" -> {
				TypedPoint value = TypedReceiver.over(chan, TypedPoint.class).recv();
				TypedSender.over(chan, String.class).send((value == null) ? "null" : "not null: " + value);
				points.send(null);
			}
			case "bytes" ->
				TypedSender.over(chan, byte[].class).send(reversed(TypedReceiver.over(chan, byte[].class).recv()));
			case "blob" -> {
				TypedBlob blob = TypedReceiver.over(chan, TypedBlob.class).recv();
				TypedSender.over(chan, TypedBlob.class)
					.send(new TypedBlob(blob.name().toUpperCase(), reversed(blob.data()), blob.extra()));
			}
			case "raw-echo" -> chan.send(chan.recv());
			case "garbage" -> {
				GARBAGE.forEach(chan::send);
				points.send(AFTER);
			}
			case "deep" -> {
				int depth = Integer.parseInt(command[1]);
				chan.send(rawJson("[".repeat(depth) + "1" + "]".repeat(depth)));
				points.send(AFTER);
			}
			case "string" -> {
				TypedSender.over(chan, String.class).send("x".repeat(Integer.parseInt(command[1])));
				points.send(AFTER);
			}
			case "class-names" -> {
				CLASS_NAME_JSON.forEach((json) -> chan.send(rawJson(json)));
				points.send(AFTER);
			}
			default -> throw new IllegalArgumentException("Unknown command " + String.join(" ", command));
		}
	}

	/**
	 * Frame a JSON text as JsonCodec does: a big-endian length, then the text, with no
	 * attachments.
	 * @param json the JSON text
	 * @return the message
	 */
	public static byte[] rawJson(String json) {
		byte[] text = json.getBytes(StandardCharsets.UTF_8);
		byte[] message = new byte[4 + text.length];
		message[0] = (byte) (text.length >>> 24);
		message[1] = (byte) (text.length >>> 16);
		message[2] = (byte) (text.length >>> 8);
		message[3] = (byte) text.length;
		System.arraycopy(text, 0, message, 4, text.length);
		return message;
	}

	/**
	 * Return the bytes in reverse order.
	 * @param bytes the bytes
	 * @return a reversed copy
	 */
	public static byte[] reversed(byte[] bytes) {
		byte[] result = new byte[bytes.length];
		for (int i = 0; i < bytes.length; i++) {
			result[i] = bytes[bytes.length - 1 - i];
		}
		return result;
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] result = new byte[first.length + second.length];
		System.arraycopy(first, 0, result, 0, first.length);
		System.arraycopy(second, 0, result, first.length, second.length);
		return result;
	}

}
