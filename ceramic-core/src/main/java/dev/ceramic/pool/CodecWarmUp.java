package dev.ceramic.pool;

import java.nio.charset.StandardCharsets;

import dev.ceramic.channel.JsonCodec;
import dev.ceramic.channel.JsonCodec.MessageType;
import org.jspecify.annotations.Nullable;

/**
 * What a training worker does instead of calls: a round trip of a sample value of every
 * parameter and return type of its method table through the codec and the protocol, so
 * that the classes a first call loads (the JSON mapper, the serializers and deserializers
 * of those types) are in the class-data archive. No service method runs: they may have
 * side effects.
 */
final class CodecWarmUp {

	/** JSON that most types decode from: objects and records, collections, numbers. */
	private static final String[] SAMPLES = { "{}", "[]", "0", "\"\"", "false" };

	private CodecWarmUp() {
	}

	/**
	 * Decode a CALL of each method with sample arguments, and encode a sample result and
	 * an error. Whatever fails is skipped: this only loads classes.
	 * @param table the method table
	 * @param codec the codec
	 */
	static void run(MethodTable table, JsonCodec codec) {
		for (int id = 0;; id++) {
			MethodTable.Entry entry = table.byId(id);
			if (entry == null) {
				break;
			}
			MessageType[] parameterTypes = entry.parameterTypes();
			byte[][] arguments = new byte[parameterTypes.length][];
			for (int i = 0; i < parameterTypes.length; i++) {
				// A stream is no JSON: an empty value, its null.
				arguments[i] = entry.isStream(i) ? new byte[0]
						: encode(codec, sample(codec, parameterTypes[i]), parameterTypes[i]);
			}
			try {
				Protocol.readCall(Protocol.call(id, id, arguments), table, codec);
			}
			catch (RuntimeException ex) {
				// A type no sample fits: its classes load on the first real call.
			}
			if (!entry.returnsStream()) {
				try {
					Protocol.result(id, codec, sample(codec, entry.returnType()), entry.returnType());
				}
				catch (RuntimeException ex) {
					// As above.
				}
			}
		}
		Protocol.error(0, codec, RemoteError.of(new IllegalStateException("warm-up")));
	}

	private static byte[] encode(JsonCodec codec, @Nullable Object value, MessageType type) {
		try {
			return codec.encode(value, type);
		}
		catch (RuntimeException ex) {
			return codec.encode(null, type);
		}
	}

	private static @Nullable Object sample(JsonCodec codec, MessageType type) {
		for (String sample : SAMPLES) {
			byte[] json = sample.getBytes(StandardCharsets.UTF_8);
			byte[] message = new byte[4 + json.length];
			message[3] = (byte) json.length;
			System.arraycopy(json, 0, message, 4, json.length);
			try {
				Object value = codec.decode(message, type);
				if (value != null) {
					return value;
				}
			}
			catch (RuntimeException ex) {
				// Try the next.
			}
		}
		return null;
	}

}
