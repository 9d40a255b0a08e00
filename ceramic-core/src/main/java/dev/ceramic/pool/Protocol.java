package dev.ceramic.pool;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.ceramic.channel.JsonCodec;
import dev.ceramic.channel.JsonCodec.MessageType;
import dev.ceramic.channel.MessageDecodingException;
import dev.ceramic.channel.OutOfBand;
import dev.ceramic.channel.SharedRegions;
import dev.ceramic.channel.StreamPipe;
import dev.ceramic.channel.ValueTooLargeException;
import org.jspecify.annotations.Nullable;

/**
 * The invocation protocol between the application and a worker, one {@code Chan} message
 * per step. Every message starts with a one-byte kind.
 *
 * <pre>
 * app -> worker   CONFIGURE       json {protocol, pool, services, serviceFactory, ...}
 * worker -> app   HELLO           json {protocol, pid, fingerprint}
 * worker -> app   STARTUP_FAILED  json RemoteError
 * app -> worker   CALL            u32 callId, u32 methodId, u16 argc, argc x (u32 length, value)
 * worker -> app   RESULT          u32 callId, value
 * worker -> app   ERROR           u32 callId, json RemoteError
 * app -> worker   GOODBYE
 * app -> worker   WARM_UP         (a training worker only; no service method runs)
 * worker -> app   WARM_UP         after a round trip of sample values of every
 *                                 parameter and return type through the codec
 * </pre>
 *
 * Values are {@link JsonCodec} messages, typed on both sides by the method's generic
 * signature. A CALL's or RESULT's binary values from {@code large-value-threshold} up
 * travel out of band, in a shared-memory file whose descriptor goes with the message: a
 * value refers to it as an {@link OutOfBand} attachment, so the frame holds only the
 * reference, and {@code max-frame-size} does not limit them ({@code max-value-size}
 * does). An {@code InputStream} argument is no JSON at all: its value is the u32 place of
 * its descriptor (a pipe the application pumps the stream into, or an open file) among
 * the message's, after the values' file; {@code null} is an empty value. A returned
 * {@code InputStream} is a {@code RESULT} whose value is the u32 place (0) of a pipe's
 * read end, empty for {@code null}; the worker pumps the stream into the pipe, then sends
 * {@code STREAM_END} (kind, call id, u8 outcome, and for a failure the UTF-8 message), so
 * that the application tells a stream's end from its worker's death.
 */
final class Protocol {

	/** The protocol version a worker announces in its HELLO. */
	static final int VERSION = 4;

	/**
	 * The most descriptors one message carries: a message's large values share one
	 * shared-memory file, and the rest is room for streams.
	 */
	static final int MAX_DESCRIPTORS = 16;

	private static final Object[] NO_ARGUMENTS = {};

	private static final byte[] NO_BYTES = {};

	static final byte CONFIGURE = 'W';

	static final byte HELLO = 'H';

	static final byte STARTUP_FAILED = 'F';

	static final byte CALL = 'C';

	static final byte RESULT = 'R';

	static final byte ERROR = 'E';

	static final byte GOODBYE = 'G';

	static final byte WARM_UP = 'X';

	static final byte STREAM_END = 'S';

	private static final int CALL_HEADER = 1 + 4 + 4 + 2;

	/**
	 * Room in a frame for the protocol's own bytes (kinds, ids, lengths, the JSON around
	 * a value), beyond {@code max-frame-size}: that setting limits the values a message
	 * carries, so that a {@code byte[]} of exactly that size travels.
	 */
	static final int HEADER_ALLOWANCE = 1024;

	// Kind and call id, before the encoded value or error.
	private static final int REPLY_HEADER = 1 + 4;

	/** Where {@link #reply} writes the kind and the call's id. */
	private static final byte[] BLANK_REPLY_HEADER = new byte[REPLY_HEADER];

	private Protocol() {
	}

	static byte kind(byte[] message) {
		if (message.length == 0) {
			throw new ProtocolException("an empty message");
		}
		return message[0];
	}

	static String kindName(byte kind) {
		return switch (kind) {
			case CONFIGURE -> "CONFIGURE";
			case HELLO -> "HELLO";
			case STARTUP_FAILED -> "STARTUP_FAILED";
			case CALL -> "CALL";
			case RESULT -> "RESULT";
			case ERROR -> "ERROR";
			case GOODBYE -> "GOODBYE";
			case WARM_UP -> "WARM_UP";
			case STREAM_END -> "STREAM_END";
			default -> "unknown kind " + (kind & 0xff);
		};
	}

	static byte[] json(byte kind, JsonCodec codec, Object value) {
		return codec.encode(value, codec.messageType(value.getClass()), new byte[] { kind });
	}

	static <T> T readJson(byte[] message, JsonCodec codec, Class<T> type) {
		byte kind = kind(message);
		T value;
		try {
			value = codec.decode(message, 1, message.length - 1, codec.messageType(type));
		}
		catch (MessageDecodingException ex) {
			throw new ProtocolException("a malformed " + kindName(kind) + " message: " + ex.getMessage(), ex);
		}
		if (value == null) {
			throw new ProtocolException("a " + kindName(kind) + " message without content");
		}
		return value;
	}

	/**
	 * Encode a worker's configuration.
	 * @param configuration the configuration
	 * @param codec the codec
	 * @return the message
	 */
	static byte[] configure(Configuration configuration, JsonCodec codec) {
		return json(CONFIGURE, codec, configuration);
	}

	/**
	 * Read the configuration a worker gets as its first message.
	 * @param message the message
	 * @param codec the codec
	 * @return the configuration
	 * @throws ProtocolException if the message is not a whole configuration in this
	 * protocol's version
	 */
	static Configuration readConfiguration(byte[] message, JsonCodec codec) {
		byte kind = kind(message);
		if (kind != CONFIGURE) {
			throw new ProtocolException("a " + kindName(kind) + " message instead of CONFIGURE");
		}
		Configuration configuration = readJson(message, codec, Configuration.class);
		if (configuration.protocol() != VERSION) {
			throw new ProtocolException(
					"protocol version " + configuration.protocol() + " from the application, where this worker speaks "
							+ VERSION + "; the worker's classpath holds another version of ceramic");
		}
		if (configuration.pool() == null || configuration.services() == null || configuration.serviceFactory() == null
				|| configuration.receipt() == null || configuration.systemProperties() == null
				|| configuration.arguments() == null || configuration.largeValueThreshold() == null
				|| configuration.maxValueSize() == null) {
			throw new ProtocolException("a CONFIGURE message without all of its fields");
		}
		return configuration;
	}

	/**
	 * Read a worker's greeting: a HELLO in this protocol's version for the same service
	 * interfaces, or the error that kept it from making its services.
	 * @param greeting the worker's first message
	 * @param codec the codec
	 * @param fingerprint the application's {@link MethodTable#fingerprint()}
	 * @return {@code null} for a good HELLO, or the error of a worker that could not make
	 * its services
	 * @throws ProtocolException if the greeting is wrong
	 */
	static @Nullable RemoteError readGreeting(byte[] greeting, JsonCodec codec, String fingerprint) {
		byte kind = kind(greeting);
		if (kind == STARTUP_FAILED) {
			return readJson(greeting, codec, RemoteError.class);
		}
		if (kind != HELLO) {
			throw new ProtocolException("a " + kindName(kind) + " message instead of HELLO");
		}
		Hello hello = readJson(greeting, codec, Hello.class);
		if (hello.protocol() != VERSION) {
			throw new ProtocolException("protocol version " + hello.protocol() + " where this application speaks "
					+ VERSION + "; the worker runs another version of ceramic");
		}
		if (!hello.fingerprint().equals(fingerprint)) {
			throw new ProtocolException(
					"service interfaces with fingerprint " + hello.fingerprint() + " where the application has "
							+ fingerprint + "; the worker's classpath holds other versions of the service interfaces");
		}
		return null;
	}

	/**
	 * Encode a call.
	 * @param callId the call's id, echoed in its reply
	 * @param methodId the method's id in the {@link MethodTable}
	 * @param arguments each argument, encoded
	 * @return the message
	 */
	static byte[] call(int callId, int methodId, byte[][] arguments) {
		int size = CALL_HEADER;
		for (byte[] argument : arguments) {
			size += 4 + argument.length;
		}
		ByteBuffer buffer = ByteBuffer.allocate(size);
		buffer.put(CALL).putInt(callId).putInt(methodId).putShort((short) arguments.length);
		for (byte[] argument : arguments) {
			buffer.putInt(argument.length).put(argument);
		}
		return buffer.array();
	}

	static DecodedCall readCall(byte[] message, MethodTable table, JsonCodec codec) {
		return readCall(message, table, codec, null);
	}

	/**
	 * Decode a call, its out-of-band values from the descriptors that came with it.
	 * @param message the message
	 * @param table the method table
	 * @param codec the codec
	 * @param outOfBand the descriptors that arrived with it, or {@code null} if none may
	 * @return the call
	 */
	static DecodedCall readCall(byte[] message, MethodTable table, JsonCodec codec, @Nullable OutOfBand outOfBand) {
		if (message.length < CALL_HEADER) {
			throw new ProtocolException("a truncated CALL message of " + message.length + " bytes");
		}
		ByteBuffer buffer = ByteBuffer.wrap(message);
		buffer.get();
		int callId = buffer.getInt();
		int methodId = buffer.getInt();
		int argc = buffer.getShort() & 0xffff;
		MethodTable.Entry entry = table.byId(methodId);
		if (entry == null) {
			throw new ProtocolException("a CALL of unknown method id " + methodId);
		}
		if (argc != entry.parameterTypes().length) {
			throw new ProtocolException("a CALL of " + entry.describe() + " with " + argc + " arguments");
		}
		Object[] arguments = new Object[argc];
		List<InputStream> streams = new ArrayList<>();
		try {
			for (int i = 0; i < argc; i++) {
				if (buffer.remaining() < 4) {
					throw new ProtocolException("a CALL truncated before argument " + i);
				}
				int length = buffer.getInt();
				if (length < 0 || length > buffer.remaining()) {
					throw new ProtocolException("a CALL whose argument " + i + " overruns the message");
				}
				if (entry.isStream(i)) {
					arguments[i] = readStream(buffer, length, i, entry, outOfBand, streams);
					continue;
				}
				try {
					arguments[i] = codec.decode(message, buffer.position(), length, entry.parameterTypes()[i],
							outOfBand);
				}
				catch (MessageDecodingException ex) {
					throw new IllegalArgumentException("Argument " + i + " of " + entry.describe()
							+ " could not be decoded in the worker: " + ex.getMessage(), ex);
				}
				buffer.position(buffer.position() + length);
			}
		}
		catch (RuntimeException ex) {
			closeQuietly(streams);
			throw ex;
		}
		return new DecodedCall(callId, entry, arguments, streams);
	}

	/**
	 * Decode a stream argument: nothing for {@code null}, else its descriptor's place.
	 */
	private static @Nullable InputStream readStream(ByteBuffer buffer, int length, int index, MethodTable.Entry entry,
			@Nullable OutOfBand outOfBand, List<InputStream> streams) {
		if (length == 0) {
			return null;
		}
		if (length != 4 || outOfBand == null) {
			throw new ProtocolException("a CALL of " + entry.describe() + " whose stream argument " + index
					+ " is not a descriptor's place");
		}
		int descriptor = buffer.getInt();
		try {
			InputStream stream = StreamPipe.reading(outOfBand.take(descriptor));
			streams.add(stream);
			return stream;
		}
		catch (MessageDecodingException ex) {
			throw new ProtocolException(
					"a CALL of " + entry.describe() + " whose stream argument " + index + ": " + ex.getMessage());
		}
	}

	/** Close streams a worker was given, whether or not the service closed them. */
	static void closeQuietly(List<InputStream> streams) {
		for (InputStream stream : streams) {
			try {
				stream.close();
			}
			catch (IOException ex) {
				// The descriptor is released either way.
			}
		}
	}

	static byte[] result(int callId, JsonCodec codec, @Nullable Object value, MessageType type) {
		return reply(RESULT, callId, codec.encode(value, type, BLANK_REPLY_HEADER));
	}

	/**
	 * Encode a result, its large binary values out of band.
	 * @param callId the call's id
	 * @param codec the codec
	 * @param value the result
	 * @param type the method's return type
	 * @param outOfBand the reply's out-of-band list
	 * @return the message
	 */
	static byte[] result(int callId, JsonCodec codec, @Nullable Object value, MessageType type, OutOfBand outOfBand) {
		return reply(RESULT, callId, codec.encode(value, type, BLANK_REPLY_HEADER, outOfBand));
	}

	static byte[] error(int callId, JsonCodec codec, RemoteError error) {
		return reply(ERROR, callId, codec.encode(error, codec.messageType(RemoteError.class), BLANK_REPLY_HEADER));
	}

	private static byte[] reply(byte kind, int callId, byte[] message) {
		message[0] = kind;
		ByteBuffer.wrap(message, 1, 4).putInt(callId);
		return message;
	}

	/**
	 * Encode the goodbye that asks a worker to exit.
	 * @return the message
	 */
	static byte[] goodbye() {
		return new byte[] { GOODBYE };
	}

	/**
	 * Read the reply to a call.
	 * @param message the message
	 * @param callId the id of the call it must answer
	 * @param returnType the method's return type
	 * @param codec the codec
	 * @return the reply
	 * @throws ProtocolException if it is no reply to that call or is malformed
	 */
	static Reply readReply(byte[] message, int callId, MessageType returnType, JsonCodec codec) {
		return readReply(message, callId, returnType, codec, null);
	}

	/**
	 * Read the reply to a call, its out-of-band values from the descriptors that came
	 * with it.
	 * @param message the message
	 * @param callId the id of the call it must answer
	 * @param returnType the method's return type
	 * @param codec the codec
	 * @param outOfBand the descriptors that arrived with it, or {@code null} if none may
	 * @return the reply
	 * @throws ProtocolException if it is no reply to that call or is malformed
	 */
	static Reply readReply(byte[] message, int callId, MessageType returnType, JsonCodec codec,
			@Nullable OutOfBand outOfBand) {
		if (checkReply(message, callId) == ERROR) {
			return readError(message, codec);
		}
		try {
			return new Reply(codec.decode(message, REPLY_HEADER, message.length - REPLY_HEADER, returnType, outOfBand),
					null);
		}
		catch (MessageDecodingException ex) {
			throw new ProtocolException("a malformed RESULT reply: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Read the reply to a call of a method that returns an {@code InputStream}: its value
	 * is the stream of the pipe's read end that came with it, or {@code null}.
	 * @param message the message
	 * @param callId the id of the call it must answer
	 * @param codec the codec
	 * @param outOfBand the descriptors that arrived with it
	 * @return the reply
	 * @throws ProtocolException if it is no reply to that call or is malformed
	 */
	static Reply readStreamReply(byte[] message, int callId, JsonCodec codec, OutOfBand outOfBand) {
		if (checkReply(message, callId) == ERROR) {
			return readError(message, codec);
		}
		int length = message.length - REPLY_HEADER;
		if (length == 0) {
			return new Reply(null, null);
		}
		if (length != 4) {
			throw new ProtocolException("a RESULT of a stream that is not a descriptor's place");
		}
		try {
			return new Reply(StreamPipe.reading(outOfBand.take(ByteBuffer.wrap(message, REPLY_HEADER, 4).getInt())),
					null);
		}
		catch (MessageDecodingException ex) {
			throw new ProtocolException("a RESULT of a stream: " + ex.getMessage(), ex);
		}
	}

	private static byte checkReply(byte[] message, int callId) {
		byte kind = kind(message);
		if (kind != RESULT && kind != ERROR) {
			throw new ProtocolException("a " + kindName(kind) + " message where the reply to a call was due");
		}
		if (message.length < REPLY_HEADER) {
			throw new ProtocolException("a truncated " + kindName(kind) + " message");
		}
		int repliedTo = ByteBuffer.wrap(message, 1, 4).getInt();
		if (repliedTo != callId) {
			throw new ProtocolException("a reply to call " + repliedTo + " where the reply to call " + callId
					+ " was due (an out-of-order reply)");
		}
		return kind;
	}

	private static Reply readError(byte[] message, JsonCodec codec) {
		try {
			RemoteError error = codec.decode(message, REPLY_HEADER, message.length - REPLY_HEADER,
					codec.messageType(RemoteError.class));
			if (error == null) {
				throw new ProtocolException("an ERROR reply without content");
			}
			return new Reply(null, error);
		}
		catch (MessageDecodingException ex) {
			throw new ProtocolException("a malformed ERROR reply: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Encode the reply of a call that returned a stream: the place of its pipe's read end
	 * among the reply's descriptors, or nothing for {@code null}.
	 * @param callId the call's id
	 * @param present whether the method returned a stream rather than {@code null}
	 * @return the message
	 */
	static byte[] streamResult(int callId, boolean present) {
		ByteBuffer message = ByteBuffer.allocate(REPLY_HEADER + (present ? 4 : 0)).put(RESULT).putInt(callId);
		if (present) {
			message.putInt(0);
		}
		return message.array();
	}

	/**
	 * Encode the end of a returned stream.
	 * @param callId the call that returned it
	 * @param end how it ended
	 * @return the message
	 */
	static byte[] streamEnd(int callId, StreamEnd end) {
		byte[] failure = end.failure().getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(REPLY_HEADER + 1 + failure.length)
			.put(STREAM_END)
			.putInt(callId)
			.put((byte) end.outcome().ordinal())
			.put(failure)
			.array();
	}

	/**
	 * Read the end of a returned stream.
	 * @param message the message
	 * @param callId the call that returned the stream
	 * @return how the stream ended
	 * @throws ProtocolException if it is no such message for that call
	 */
	static StreamEnd readStreamEnd(byte[] message, int callId) {
		byte kind = kind(message);
		if (kind != STREAM_END || message.length < REPLY_HEADER + 1) {
			throw new ProtocolException("a " + kindName(kind) + " message where the end of a returned stream was due");
		}
		ByteBuffer buffer = ByteBuffer.wrap(message, 1, message.length - 1);
		int endOf = buffer.getInt();
		int outcome = buffer.get() & 0xff;
		if (endOf != callId || outcome >= StreamOutcome.values().length) {
			throw new ProtocolException("the end of the stream of call " + endOf + " with outcome " + outcome
					+ " where that of call " + callId + " was due");
		}
		return new StreamEnd(StreamOutcome.values()[outcome],
				new String(message, REPLY_HEADER + 1, message.length - REPLY_HEADER - 1, StandardCharsets.UTF_8));
	}

	/**
	 * The largest frame a pool's channels take: its {@code max-frame-size} and the
	 * protocol's own bytes.
	 * @param maxFrameSize the pool's {@code max-frame-size}
	 * @return the channel's maximum frame size
	 */
	static int frameLimit(int maxFrameSize) {
		// The largest array a JVM makes is a few bytes short of Integer.MAX_VALUE.
		return (int) Math.min(Integer.MAX_VALUE - 16L, (long) maxFrameSize + HEADER_ALLOWANCE);
	}

	/**
	 * Encode each argument of a call with its parameter's declared type, the large binary
	 * values out of band (written to shared memory when the call is sent, into the region
	 * of the worker that takes it), and check that the call fits in a frame.
	 * @param entry the method
	 * @param arguments the arguments, or {@code null} for none
	 * @param codec the codec
	 * @param limits the pool's limits
	 * @return the encoded arguments, which the caller closes once the call is over
	 * @throws IllegalArgumentException naming the parameter that cannot be encoded
	 * @throws ValueTooLargeException naming the largest parameter and the setting, when
	 * the call would not fit in a frame or a value is over {@code max-value-size}
	 */
	static Arguments encodeArguments(MethodTable.Entry entry, Object @Nullable [] arguments, JsonCodec codec,
			ValueLimits limits) {
		Object[] values = (arguments != null) ? arguments : NO_ARGUMENTS;
		OutOfBand outOfBand = limits.sending();
		try {
			byte[][] encoded = new byte[values.length][];
			for (int i = 0; i < values.length; i++) {
				if (entry.isStream(i)) {
					// Its descriptor's place, once the values' are known; nothing for
					// null.
					encoded[i] = NO_BYTES;
					continue;
				}
				try {
					encoded[i] = codec.encode(values[i], entry.parameterTypes()[i], outOfBand);
				}
				catch (ValueTooLargeException ex) {
					throw new ValueTooLargeException(describeParameter(entry, i) + " is too large to send to a worker: "
							+ ex.getMessage() + ". Nothing was sent, and no worker was involved");
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException(
							describeParameter(entry, i) + " cannot be sent to a worker: " + ex.getMessage(), ex);
				}
			}
			StreamArguments streams = StreamArguments.of(entry, values);
			// The values travel in one descriptor, if any; the streams' come after it.
			int descriptor = outOfBand.isEmpty() ? 0 : 1;
			for (int i = 0; i < values.length; i++) {
				if (entry.isStream(i) && values[i] != null) {
					encoded[i] = ByteBuffer.allocate(4).putInt(descriptor++).array();
				}
			}
			checkCallSize(entry, encoded, limits);
			return new Arguments(encoded, outOfBand, limits.maxValueSize(), streams);
		}
		catch (RuntimeException ex) {
			outOfBand.close();
			throw ex;
		}
	}

	private static String describeParameter(MethodTable.Entry entry, int index) {
		return "Parameter " + index + " ('" + entry.method().getParameters()[index].getName() + "') of "
				+ entry.describe();
	}

	private static void checkCallSize(MethodTable.Entry entry, byte[][] encoded, ValueLimits limits) {
		long size = CALL_HEADER;
		int largest = 0;
		for (int i = 0; i < encoded.length; i++) {
			size += 4 + encoded[i].length;
			if (encoded[i].length > encoded[largest].length) {
				largest = i;
			}
		}
		if (size > frameLimit(limits.maxFrameSize())) {
			throw new ValueTooLargeException(describeParameter(entry, largest)
					+ " is too large to send to a worker: the call's arguments take " + size
					+ " bytes, over ceramic.pools." + limits.pool() + ".max-frame-size (" + limits.maxFrameSize()
					+ " bytes); raise that setting, or send less. Nothing was sent, and no worker was involved");
		}
	}

	/**
	 * Return the reply a worker sends instead of a result too large for a frame: an error
	 * for that call alone, naming the setting.
	 * @param callId the call's id
	 * @param codec the codec
	 * @param entry the method
	 * @param pool the pool's name
	 * @param size the result's message size in bytes
	 * @param frameLimit the channel's maximum frame size
	 * @return the error reply
	 */
	static byte[] resultTooLarge(int callId, JsonCodec codec, MethodTable.Entry entry, String pool, int size,
			int frameLimit) {
		int maxFrameSize = frameLimit - HEADER_ALLOWANCE;
		return error(callId, codec,
				RemoteError.of(new ValueTooLargeException("The result of " + entry.describe()
						+ " is too large to send back from the worker: it takes " + (size - REPLY_HEADER)
						+ " bytes, over ceramic.pools." + pool + ".max-frame-size (" + maxFrameSize
						+ " bytes); raise that setting, or return less. The worker is unharmed")));
	}

	/**
	 * Encode each argument of a call with its parameter's declared type.
	 * @param entry the method
	 * @param arguments the arguments, or {@code null} for none
	 * @param codec the codec
	 * @return the encoded arguments
	 * @throws IllegalArgumentException naming the parameter that cannot be encoded
	 */
	static byte[][] encodeArguments(MethodTable.Entry entry, Object @Nullable [] arguments, JsonCodec codec) {
		Object[] values = (arguments != null) ? arguments : NO_ARGUMENTS;
		byte[][] encoded = new byte[values.length][];
		for (int i = 0; i < values.length; i++) {
			try {
				encoded[i] = codec.encode(values[i], entry.parameterTypes()[i]);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(
						"Parameter " + i + " ('" + entry.method().getParameters()[i].getName() + "') of "
								+ entry.describe() + " cannot be sent to a worker: " + ex.getMessage(),
						ex);
			}
		}
		return encoded;
	}

	/**
	 * The limits on a pool's values.
	 *
	 * @param pool the pool's name, for messages
	 * @param maxFrameSize the pool's {@code max-frame-size}
	 * @param largeValueThreshold the size from which binary values travel out of band
	 * @param maxValueSize the largest value out of band
	 */
	record ValueLimits(String pool, int maxFrameSize, long largeValueThreshold, long maxValueSize) {

		static ValueLimits of(WorkerPoolSettings settings) {
			return new ValueLimits(settings.name(), settings.maxFrameSize(), settings.largeValueThreshold(),
					settings.maxValueSize());
		}

		/** Start the out-of-band list of a message to send. */
		OutOfBand sending() {
			return OutOfBand.sending(this.largeValueThreshold, this.maxValueSize,
					"ceramic.pools." + this.pool + ".max-value-size");
		}

		/**
		 * Take the descriptors that arrived with a message at an end with these regions.
		 */
		OutOfBand receiving(FileDescriptor[] descriptors, SharedRegions regions) {
			return OutOfBand.receiving(descriptors, this.maxValueSize, regions);
		}

	}

	/**
	 * A call's encoded arguments and their out-of-band list, which stays open (its values
	 * are written again if the call goes to another worker) until the call is over.
	 *
	 * @param values each argument, encoded
	 * @param outOfBand the values out of band
	 * @param maxValueSize the largest value out of band to accept in the reply
	 * @param streams the {@code InputStream} arguments
	 */
	record Arguments(byte[][] values, OutOfBand outOfBand, long maxValueSize,
			StreamArguments streams) implements AutoCloseable {

		@Override
		public void close() {
			this.streams.close();
			this.outOfBand.close();
		}

	}

	/** How a worker's pump of a returned stream ended. */
	enum StreamOutcome {

		/** The stream ended, and the reader has it all. */
		ENDED,

		/** The reader closed its end first. */
		READER_CLOSED,

		/** Reading the service's stream failed. */
		FAILED

	}

	/**
	 * The end of a returned stream.
	 *
	 * @param outcome how it ended
	 * @param failure what failed, or empty
	 */
	record StreamEnd(StreamOutcome outcome, String failure) {

	}

	/**
	 * A call as the worker decoded it.
	 *
	 * @param callId the call's id
	 * @param entry the method
	 * @param arguments the arguments
	 * @param streams the streams among them, which the worker closes once the call is
	 * over
	 */
	record DecodedCall(int callId, MethodTable.Entry entry, Object[] arguments, List<InputStream> streams) {

	}

	/**
	 * A worker's reply: a value or an error.
	 *
	 * @param value the value, when the call returned
	 * @param error the error, when the implementation threw
	 */
	record Reply(@Nullable Object value, @Nullable RemoteError error) {

	}

	/**
	 * What a worker needs to make its services, sent as the first message: over the
	 * channel, so that nothing of it shows on the worker's command line, where every
	 * local user can read it.
	 *
	 * @param protocol the protocol version the application speaks
	 * @param pool the pool's name
	 * @param services the services to make, in the method table's order
	 * @param serviceFactory the {@link ServiceFactory} class
	 * @param maxNestingDepth the maximum nesting depth of values
	 * @param receipt the path of the worker's {@link CallReceipt} file
	 * @param systemProperties system properties to set before the services are made
	 * @param arguments the arguments for the service factory
	 * @param largeValueThreshold the size from which binary values travel out of band
	 * @param maxValueSize the largest value out of band
	 */
	record Configuration(int protocol, String pool, List<Service> services, String serviceFactory, int maxNestingDepth,
			String receipt, Map<String, String> systemProperties, List<String> arguments, Long largeValueThreshold,
			Long maxValueSize) {

	}

	/**
	 * A service a worker makes.
	 *
	 * @param serviceInterface the interface the application calls
	 * @param implementation the class that implements it in the worker
	 */
	record Service(String serviceInterface, String implementation) {

	}

	/**
	 * The worker's greeting.
	 *
	 * @param protocol the protocol version it speaks
	 * @param pid its pid
	 * @param fingerprint its {@link MethodTable#fingerprint()}
	 */
	record Hello(int protocol, long pid, String fingerprint) {

	}

}
