package dev.ceramic.pool;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import dev.ceramic.channel.JsonCodec;
import dev.ceramic.channel.MessageDecodingException;
import dev.ceramic.test.Fuzzing;
import dev.ceramic.test.pool.Calculator.Blob;
import dev.ceramic.test.pool.Calculator.Label;
import dev.ceramic.test.pool.Calculator.Point;
import dev.ceramic.test.pool.Calculator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the invocation protocol's decoders with random and mutated messages: the reply
 * decoder and what the caller then sees ({@link Protocol#readReply} and
 * {@link ExceptionTranslator#translate}), the call decoder of the worker
 * ({@link Protocol#readCall}), the greeting ({@link Protocol#readJson}) and the codec
 * itself ({@link JsonCodec#decode}). Only {@link ProtocolException},
 * {@link MessageDecodingException} and {@link IllegalArgumentException} may come out:
 * never another exception, never an {@link Error}.
 *
 * <p>
 * Messages start from valid ones of every kind, for the methods of {@link Calculator}
 * (generic lists, records, byte arrays as attachments, {@code Object}), then get bit
 * flips, overwritten length fields, truncations, splices and JSON-level damage, such as
 * nesting past the limit. A seeded random test: see {@code FrameDecoderFuzzTests} for why
 * not Jazzer; {@code -Dceramic.fuzz.seed=N} replays a run.
 */
@Timeout(120)
class ProtocolFuzzTests {

	private static final int CASES = 20_000;

	private static final int MAX_NESTING_DEPTH = 16;

	private static JsonCodec codec;

	private static MethodTable table;

	private static List<byte[]> seeds;

	private static int methods;

	private final Map<String, Integer> outcomes = new TreeMap<>();

	@BeforeAll
	static void validMessages() {
		codec = JsonCodec.create(MAX_NESTING_DEPTH, 64 * 1024);
		table = MethodTable.of(List.of(Calculator.class), codec);
		seeds = new ArrayList<>();
		Random random = new Random(1);
		for (int id = 0; table.byId(id) != null; id++) {
			methods++;
			MethodTable.Entry entry = table.byId(id);
			Object[] arguments = Arrays.stream(entry.method().getParameterTypes())
				.map((type) -> sample(type, random))
				.toArray();
			seeds.add(Protocol.call(id, id, Protocol.encodeArguments(entry, arguments, codec)));
			if (!entry.isVoid()) {
				seeds.add(
						Protocol.result(id, codec, sample(entry.method().getReturnType(), random), entry.returnType()));
			}
			seeds.add(Protocol.error(id, codec,
					RemoteError.of(new IOException("disk on fire", new IllegalStateException("cause")))));
		}
		seeds.add(Protocol.json(Protocol.HELLO, codec, new Protocol.Hello(Protocol.VERSION, 42, table.fingerprint())));
		seeds.add(Protocol.json(Protocol.STARTUP_FAILED, codec, RemoteError.of(new StackOverflowError())));
		seeds.add(Protocol.goodbye());
	}

	@Test
	void decodersOnlyEverFailWithTypedExceptions() {
		for (long seed : Fuzzing.seeds(424242L)) {
			Random random = new Random(seed);
			for (int i = 0; i < CASES / 2; i++) {
				byte[] message = mutated(random);
				try {
					decodeEveryWay(message, random.nextInt(8));
				}
				catch (Throwable ex) {
					throw new AssertionError("Seed " + seed + ", case " + i + ", message "
							+ HexFormat.of().formatHex(message) + ": " + ex, ex);
				}
			}
		}
		System.out.println("Protocol fuzz outcomes: " + this.outcomes);
		// The mutations get past the first checks: some messages still decode, and each
		// decoder rejects others in its own words.
		assertThat(this.outcomes).containsKeys("readCall ok", "readReply ok", "readReply ProtocolException",
				"readCall ProtocolException", "readCall IllegalArgumentException", "decode ok",
				"decode MessageDecodingException", "translated");
	}

	@Test
	void validMessagesDecodeToWhatWasSent() {
		List<Point> points = List.of(new Point(1, 2), new Point(3, 4));
		MethodTable.Entry scale = entry("scale");
		byte[] call = Protocol.call(9, scale.id(), Protocol.encodeArguments(scale, new Object[] { points, 10 }, codec));
		Protocol.DecodedCall decoded = Protocol.readCall(call, table, codec);
		assertThat(decoded.callId()).isEqualTo(9);
		assertThat(decoded.arguments()).containsExactly(points, 10);
		byte[] reply = Protocol.result(9, codec, new Blob("b", new byte[] { 1, 2 }), entry("echoBlob").returnType());
		Blob blob = (Blob) Protocol.readReply(reply, 9, entry("echoBlob").returnType(), codec).value();
		assertThat(blob.data()).containsExactly(1, 2);
	}

	/** Run the message through every decoder that may meet it. */
	private void decodeEveryWay(byte[] message, int callId) {
		MethodTable.Entry entry = table.byId(Math.floorMod(callId, methods));
		attempt("readReply", () -> {
			Protocol.Reply reply = Protocol.readReply(message, callId, entry.returnType(), codec);
			if (reply.error() != null) {
				// What the caller would be thrown: must be built, not fail.
				Throwable thrown = ExceptionTranslator.translate(reply.error(), entry.method(), "fuzz", 1);
				assertThat(thrown).isNotNull();
				this.outcomes.merge("translated", 1, Integer::sum);
			}
		});
		attempt("readCall", () -> Protocol.readCall(message, table, codec));
		attempt("readJson", () -> Protocol.readJson(message, codec, Protocol.Hello.class));
		// The value inside a RESULT, or the JSON of any other kind.
		boolean result = message.length > 0 && message[0] == Protocol.RESULT;
		int offset = Math.min(message.length, result ? 5 : 1);
		attempt("decode", () -> codec.decode(message, offset, message.length - offset,
				result ? entry.returnType() : codec.messageType(Object.class)));
	}

	private void attempt(String decoder, Runnable decode) {
		String outcome;
		try {
			decode.run();
			outcome = "ok";
		}
		catch (ProtocolException | MessageDecodingException | IllegalArgumentException ex) {
			outcome = ex.getClass().getSimpleName();
		}
		this.outcomes.merge(decoder + " " + outcome, 1, Integer::sum);
	}

	private static byte[] mutated(Random random) {
		if (random.nextInt(10) == 0) {
			byte[] bytes = new byte[random.nextInt(40)];
			random.nextBytes(bytes);
			return bytes;
		}
		byte[] message = seeds.get(random.nextInt(seeds.size())).clone();
		for (int m = random.nextInt(4); m > 0; m--) {
			message = mutate(message, random);
		}
		return message;
	}

	private static byte[] mutate(byte[] bytes, Random random) {
		if (bytes.length == 0) {
			return Fuzzing.oneByte(random);
		}
		int at = random.nextInt(bytes.length);
		switch (random.nextInt(8)) {
			case 0 -> Fuzzing.flipBit(bytes, at, random);
			case 1 -> Fuzzing.replaceByte(bytes, at, random);
			case 2 -> {
				return Fuzzing.cut(bytes, at);
			}
			case 3 -> Fuzzing.writeInt(bytes, at,
					List.of(0, 1, -1, 2, 4, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xffff, bytes.length)
						.get(random.nextInt(9)));
			case 4 -> {
				// Splice with another valid message.
				byte[] other = seeds.get(random.nextInt(seeds.size()));
				int from = random.nextInt(other.length);
				byte[] spliced = Arrays.copyOf(bytes, at + other.length - from);
				System.arraycopy(other, from, spliced, at, other.length - from);
				return spliced;
			}
			case 5 -> {
				return replaceJson(bytes, at, JSON_FRAGMENTS.get(random.nextInt(JSON_FRAGMENTS.size())));
			}
			case 6 -> {
				// Nesting past the limit.
				String deep = "[".repeat(MAX_NESTING_DEPTH + 1 + random.nextInt(200));
				return replaceJson(bytes, at, random.nextBoolean() ? deep : deep.replace("[", "{\"a\":"));
			}
			default -> {
				return Fuzzing.extend(bytes, random);
			}
		}
		return bytes;
	}

	private static final List<String> JSON_FRAGMENTS = List.of("null", "{}", "[]", "\"\"", "1e999999",
			"-99999999999999999999999", "{\"className\":null}", "{\"className\":\"java.lang.Object\"}",
			"{\"stackTrace\":[null]}", "{\"stackTrace\":[{}]}", "[null,null]", "\"\\ud800\"", "{\"x\":1,\"x\":2}",
			"{\"@class\":\"java.net.URL\"}", "[\"java.util.HashMap\",{}]", "true", "\u0000", "{\"x\":");

	/** Put a JSON fragment in place of the text at {@code at}, as a worker might send. */
	private static byte[] replaceJson(byte[] bytes, int at, String fragment) {
		byte[] text = fragment.getBytes(StandardCharsets.UTF_8);
		byte[] result = Arrays.copyOf(bytes, Math.max(bytes.length, at + text.length));
		System.arraycopy(text, 0, result, at, text.length);
		return result;
	}

	private static Object sample(Class<?> type, Random random) {
		if (type == int.class || type == Integer.class) {
			return random.nextInt(100);
		}
		if (type == long.class) {
			return random.nextLong();
		}
		if (type == byte[].class) {
			byte[] bytes = new byte[random.nextInt(8)];
			random.nextBytes(bytes);
			return bytes;
		}
		if (type == List.class) {
			return List.of(new Point(random.nextInt(), random.nextInt()), new Point(1, 2));
		}
		if (type == Blob.class) {
			return new Blob("blob", new byte[] { (byte) random.nextInt(), 7 });
		}
		if (type == Label.class) {
			return new Label("label " + random.nextInt());
		}
		if (type == String.class) {
			return "text " + random.nextInt();
		}
		if (type == void.class) {
			return null;
		}
		throw new IllegalArgumentException("No sample for " + type);
	}

	private static MethodTable.Entry entry(String name) {
		for (int id = 0; table.byId(id) != null; id++) {
			Method method = table.byId(id).method();
			if (method.getName().equals(name)) {
				return table.byId(id);
			}
		}
		throw new IllegalArgumentException(name);
	}

}
