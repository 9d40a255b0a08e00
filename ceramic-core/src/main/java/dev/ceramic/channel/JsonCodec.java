package dev.ceramic.channel;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.TypeBindings;

/**
 * Encodes typed messages as JSON with Jackson, set up so that the wire cannot choose what
 * gets instantiated: no default typing, a polymorphic type validator that allows no class
 * names, and stream read constraints on nesting depth and string length.
 *
 * <p>
 * Byte arrays, at the top level or anywhere inside a value, do not go through base64: the
 * JSON holds an index into a list of attachments that follow it as raw bytes. The encoded
 * form is <pre>
 * u32 jsonLength, json, then for each attachment: u32 length, bytes
 * </pre> with big-endian lengths.
 *
 * <p>
 * Values of the common scalar types ({@code int}, {@code long}, {@code boolean} and
 * {@code String}) are written and read without Jackson when they are in the plain form
 * Jackson itself writes; see {@link Scalar}.
 */
public final class JsonCodec {

	/** The default maximum nesting depth of a decoded value. */
	public static final int DEFAULT_MAX_NESTING_DEPTH = 64;

	/** The default maximum length of one decoded string, in characters. */
	public static final int DEFAULT_MAX_STRING_LENGTH = 16 * 1024 * 1024;

	/**
	 * The attachments of the value being encoded or decoded on this thread. A
	 * thread-local rather than a Jackson attribute: {@code withAttribute} builds a new
	 * reader or writer and a new attribute map on every call, which cost more than the
	 * rest of a small call's decoding. The slot stays (setting and removing the value
	 * would allocate an entry per call); it is a JDK type, empty between calls, so it
	 * keeps no class of an application's loader alive on a pooled thread.
	 */
	private static final ThreadLocal<AtomicReference<@Nullable List<byte[]>>> ATTACHMENTS = ThreadLocal
		.withInitial(AtomicReference::new);

	private final JsonMapper mapper;

	private final int maxStringLength;

	// One per type this codec has seen (a program's channel and service method types).
	// Readers and writers are immutable and resolve their root (de)serializer once.
	private final Map<JavaType, ObjectWriter> writers = new ConcurrentHashMap<>();

	private final Map<JavaType, ObjectReader> readers = new ConcurrentHashMap<>();

	private JsonCodec(JsonMapper mapper, int maxStringLength) {
		this.mapper = mapper;
		this.maxStringLength = maxStringLength;
	}

	/**
	 * Return a codec with the default limits.
	 * @return the codec
	 */
	public static JsonCodec defaults() {
		return create(DEFAULT_MAX_NESTING_DEPTH, DEFAULT_MAX_STRING_LENGTH);
	}

	/**
	 * Return a codec with the given limits.
	 * @param maxNestingDepth the deepest nesting of objects and arrays a message may have
	 * @param maxStringLength the longest string a message may hold, in characters
	 * @return the codec
	 */
	public static JsonCodec create(int maxNestingDepth, int maxStringLength) {
		JsonFactory factory = JsonFactory.builder()
			// Jackson's default pool allocates a queue node each time a buffer goes back.
			.recyclerPool(JsonRecyclerPools.sharedBoundedPool())
			.streamReadConstraints(StreamReadConstraints.builder()
				.maxNestingDepth(maxNestingDepth)
				.maxStringLength(maxStringLength)
				.build())
			.streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(maxNestingDepth).build())
			.build();
		SimpleModule rawBytes = new SimpleModule("ceramic-raw-bytes");
		rawBytes.addSerializer(byte[].class, new AttachmentSerializer());
		rawBytes.addDeserializer(byte[].class, new AttachmentDeserializer());
		rawBytes.addSerializer(ByteBuffer.class, new BufferSerializer());
		rawBytes.addDeserializer(ByteBuffer.class, new BufferDeserializer());
		JsonMapper mapper = JsonMapper.builder(factory)
			.polymorphicTypeValidator(BasicPolymorphicTypeValidator.builder().build())
			.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			// An object with no properties would silently arrive as an empty map.
			.enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
			.addModule(rawBytes)
			.build();
		return new JsonCodec(mapper, maxStringLength);
	}

	/**
	 * Resolve a Java type for this codec, once, to reuse for every message of that type.
	 * @param type the Java type, which may be generic
	 * @return the resolved type
	 */
	public MessageType messageType(Type type) {
		return new MessageType(this.mapper.constructType(type));
	}

	/**
	 * Resolve a generic type used in a member of a class, with that class's type
	 * variables bound as one of its subtypes binds them: in
	 * {@code interface Points extends Repository<Point>}, {@code T find(int)} of
	 * {@code Repository<T>} returns a {@code Point}.
	 * @param type the member's generic type
	 * @param declaringClass the class that declares the member
	 * @param subtype the type through which the member is used
	 * @return the resolved type
	 */
	public MessageType messageType(Type type, Class<?> declaringClass, Class<?> subtype) {
		JavaType declaring = this.mapper.constructType(subtype).findSuperType(declaringClass);
		TypeBindings bindings = (declaring != null) ? declaring.getBindings() : TypeBindings.emptyBindings();
		return new MessageType(this.mapper.getTypeFactory().resolveMemberType(type, bindings));
	}

	/**
	 * Find what stops values of a type from being built from JSON, looking through it as
	 * Jackson would build it: the type, the elements of arrays, collections and
	 * {@code Optional}s, the keys and values of maps, and the properties of beans and
	 * records.
	 * @param type the type
	 * @param refuse says why a class must not travel, or returns {@code null} when it
	 * may; asked first of every type reached
	 * @return the first obstacle found, or {@code null} when there is none
	 */
	public @Nullable TypeObstacle obstacle(MessageType type, Function<Class<?>, @Nullable String> refuse) {
		return new TypeSurvey(this.mapper, refuse).survey(type.javaType, "");
	}

	/**
	 * Encode a value.
	 * @param value the value, or {@code null}
	 * @param type its declared type
	 * @return the encoded message
	 * @throws IllegalArgumentException if the value cannot be encoded as that type
	 */
	public byte[] encode(@Nullable Object value, MessageType type) {
		return encode(value, type, 0);
	}

	/**
	 * Encode a value behind a header, for a protocol that frames the message: the
	 * returned array starts with a copy of {@code header}, and the message follows, so
	 * that it need not be copied into a larger array.
	 * {@link #decode(byte[], int, int, MessageType)} reads it back from offset
	 * {@code header.length}.
	 * @param value the value, or {@code null}
	 * @param type its declared type
	 * @param header the bytes to put first
	 * @return the header, then the encoded message
	 * @throws IllegalArgumentException if the value cannot be encoded as that type
	 */
	public byte[] encode(@Nullable Object value, MessageType type, byte[] header) {
		return encode(value, type, header, null);
	}

	/**
	 * Encode a value behind a header, as {@link #encode(Object, MessageType, byte[])}
	 * does, with its large binary values ({@code byte[]} and {@code ByteBuffer}, anywhere
	 * in it) out of band: added to {@code outOfBand}, whose descriptors must travel with
	 * the message, and referred to from it.
	 * @param value the value, or {@code null}
	 * @param type its declared type
	 * @param header the bytes to put first
	 * @param outOfBand the message's out-of-band list, or {@code null} to put every value
	 * in the message
	 * @return the header, then the encoded message
	 * @throws IllegalArgumentException if the value cannot be encoded as that type
	 * @throws ValueTooLargeException if a binary value is over the out-of-band limit
	 */
	public byte[] encode(@Nullable Object value, MessageType type, byte[] header, @Nullable OutOfBand outOfBand) {
		byte[] message = encode(value, type, header.length, outOfBand);
		System.arraycopy(header, 0, message, 0, header.length);
		return message;
	}

	/**
	 * Encode a value with its large binary values out of band.
	 * @param value the value, or {@code null}
	 * @param type its declared type
	 * @param outOfBand the message's out-of-band list
	 * @return the encoded message
	 * @see #encode(Object, MessageType, byte[], OutOfBand)
	 */
	public byte[] encode(@Nullable Object value, MessageType type, OutOfBand outOfBand) {
		return encode(value, type, 0, outOfBand);
	}

	/**
	 * Encode a value after {@code headroom} bytes left zero at the start of the returned
	 * array.
	 */
	byte[] encode(@Nullable Object value, MessageType messageType, int headroom) {
		return encode(value, messageType, headroom, null);
	}

	private byte[] encode(@Nullable Object value, MessageType messageType, int headroom,
			@Nullable OutOfBand outOfBand) {
		JavaType type = messageType.javaType;
		Scalar scalar = Scalar.of(type.getRawClass());
		if (scalar != null && value != null) {
			byte[] message = scalar.encode(value, headroom);
			if (message != null) {
				return message;
			}
		}
		List<byte[]> attachments = new ArrayList<>(0);
		ObjectWriter writer = writer(type);
		byte[] json;
		AtomicReference<@Nullable List<byte[]>> slot = ATTACHMENTS.get();
		List<byte[]> outer = slot.getPlain();
		slot.setPlain(attachments);
		try {
			json = writer.writeValueAsBytes(value);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Cannot encode a value of " + describe(value) + " as JSON for type "
					+ type.toCanonical() + ": " + ex.getOriginalMessage(), ex);
		}
		finally {
			slot.setPlain(outer);
		}
		long[] outOfBandOffsets = new long[attachments.size()];
		long size = headroom + 4 + json.length;
		for (int i = 0; i < attachments.size(); i++) {
			byte[] attachment = attachments.get(i);
			if (outOfBand != null && outOfBand.takes(attachment.length)) {
				outOfBandOffsets[i] = outOfBand.add(attachment);
				size += OutOfBand.REFERENCE_SIZE;
			}
			else {
				outOfBandOffsets[i] = -1;
				size += 4 + attachment.length;
			}
		}
		if (size > OutOfBand.ARRAY_LIMIT) {
			throw new ValueTooLargeException("Cannot encode a value of " + describe(value) + " in " + size
					+ " bytes: over the largest array a JVM makes");
		}
		byte[] message = new byte[(int) size];
		Frame.putInt(message, headroom, json.length);
		System.arraycopy(json, 0, message, headroom + 4, json.length);
		int offset = headroom + 4 + json.length;
		for (int i = 0; i < attachments.size(); i++) {
			byte[] attachment = attachments.get(i);
			if (outOfBandOffsets[i] >= 0) {
				// Descriptor 0: a message's values share one file.
				Frame.putInt(message, offset, OutOfBand.REFERENCE_FLAG);
				putLong(message, offset + 4, outOfBandOffsets[i]);
				putLong(message, offset + 12, attachment.length);
				offset += OutOfBand.REFERENCE_SIZE;
			}
			else {
				Frame.putInt(message, offset, attachment.length);
				System.arraycopy(attachment, 0, message, offset + 4, attachment.length);
				offset += 4 + attachment.length;
			}
		}
		return message;
	}

	private static void putLong(byte[] bytes, int offset, long value) {
		Frame.putInt(bytes, offset, (int) (value >>> 32));
		Frame.putInt(bytes, offset + 4, (int) value);
	}

	private static long getLong(byte[] bytes, int offset) {
		return ((long) Frame.getInt(bytes, offset) << 32) | (Frame.getInt(bytes, offset + 4) & 0xffffffffL);
	}

	/**
	 * Encode a value of a plain (non-generic) type.
	 * @param value the value, or {@code null}
	 * @param type its declared type
	 * @return the encoded message
	 */
	public byte[] encode(@Nullable Object value, Type type) {
		return encode(value, messageType(type));
	}

	/**
	 * Decode a message.
	 * @param <T> the expected type
	 * @param message the encoded message
	 * @param type the expected type
	 * @return the value, possibly {@code null}
	 * @throws MessageDecodingException if the message is malformed or does not fit the
	 * type
	 */
	public <T> @Nullable T decode(byte[] message, MessageType type) {
		return decode(message, 0, message.length, type);
	}

	/**
	 * Decode a message that occupies part of an array.
	 * @param <T> the expected type
	 * @param bytes the array
	 * @param offset where the message starts
	 * @param length the message's length
	 * @param type the expected type
	 * @return the value, possibly {@code null}
	 * @throws MessageDecodingException if the message is malformed or does not fit the
	 * type
	 */
	public <T> @Nullable T decode(byte[] bytes, int offset, int length, MessageType messageType) {
		return decode(bytes, offset, length, messageType, null);
	}

	/**
	 * Decode a message that occupies part of an array, with the values it has out of
	 * band.
	 * @param <T> the expected type
	 * @param bytes the array
	 * @param offset where the message starts
	 * @param length the message's length
	 * @param messageType the expected type
	 * @param outOfBand the descriptors that arrived with the message, or {@code null} if
	 * none may
	 * @return the value, possibly {@code null}
	 * @throws MessageDecodingException if the message is malformed, does not fit the
	 * type, or refers to out-of-band values that did not arrive
	 */
	@SuppressWarnings("unchecked")
	public <T> @Nullable T decode(byte[] bytes, int offset, int length, MessageType messageType,
			@Nullable OutOfBand outOfBand) {
		JavaType type = messageType.javaType;
		if (length < 4) {
			throw new MessageDecodingException(
					"Malformed message: " + length + " bytes is too short to hold the JSON length prefix");
		}
		int jsonLength = Frame.getInt(bytes, offset);
		if (jsonLength < 0 || jsonLength > length - 4) {
			throw new MessageDecodingException("Malformed message: JSON length " + Integer.toUnsignedString(jsonLength)
					+ " does not fit in a message of " + length + " bytes");
		}
		Scalar scalar = Scalar.of(type.getRawClass());
		if (scalar != null && jsonLength == length - 4) {
			Object value = scalar.decode(bytes, offset + 4, jsonLength, this.maxStringLength);
			if (value != null) {
				return (T) value;
			}
		}
		List<byte[]> attachments = splitAttachments(bytes, offset + 4 + jsonLength, offset + length, outOfBand);
		ObjectReader reader = reader(type);
		AtomicReference<@Nullable List<byte[]>> slot = ATTACHMENTS.get();
		List<byte[]> outer = slot.getPlain();
		slot.setPlain(attachments);
		try {
			return reader.readValue(bytes, offset + 4, jsonLength);
		}
		catch (JacksonException ex) {
			throw new MessageDecodingException(
					"Malformed message for type " + type.toCanonical() + ": " + ex.getOriginalMessage(), ex);
		}
		catch (RuntimeException ex) {
			// A constructor or setter of the target type threw on the decoded values.
			throw new MessageDecodingException(
					"Could not build a " + type.toCanonical() + " from the message: " + ex.getMessage(), ex);
		}
		finally {
			slot.setPlain(outer);
		}
	}

	/**
	 * Decode a message into a plain (non-generic) type.
	 * @param <T> the expected type
	 * @param message the encoded message
	 * @param type the expected type
	 * @return the value, possibly {@code null}
	 */
	public <T> @Nullable T decode(byte[] message, Class<T> type) {
		return decode(message, messageType(type));
	}

	private static List<byte[]> splitAttachments(byte[] bytes, int offset, int end, @Nullable OutOfBand outOfBand) {
		List<byte[]> attachments = new ArrayList<>(0);
		while (offset < end) {
			if (end - offset < 4) {
				throw new MessageDecodingException(
						"Malformed message: a truncated attachment length at byte " + offset);
			}
			int length = Frame.getInt(bytes, offset);
			if ((length & OutOfBand.REFERENCE_FLAG) != 0) {
				if (end - offset < OutOfBand.REFERENCE_SIZE) {
					throw new MessageDecodingException(
							"Malformed message: a truncated out-of-band reference at byte " + offset);
				}
				if (outOfBand == null) {
					throw new MessageDecodingException(
							"Malformed message: an out-of-band value at byte " + offset + " where none may arrive");
				}
				attachments.add(outOfBand.read(length & ~OutOfBand.REFERENCE_FLAG, getLong(bytes, offset + 4),
						getLong(bytes, offset + 12)));
				offset += OutOfBand.REFERENCE_SIZE;
				continue;
			}
			if (length < 0 || length > end - offset - 4) {
				throw new MessageDecodingException("Malformed message: attachment of "
						+ Integer.toUnsignedString(length) + " bytes at byte " + offset + " overruns the message");
			}
			byte[] attachment = new byte[length];
			System.arraycopy(bytes, offset + 4, attachment, 0, length);
			attachments.add(attachment);
			offset += 4 + length;
		}
		return attachments;
	}

	private static String describe(@Nullable Object value) {
		return (value != null) ? value.getClass().getName() : "null";
	}

	private ObjectWriter writer(JavaType type) {
		ObjectWriter writer = this.writers.get(type);
		return (writer != null) ? writer : this.writers.computeIfAbsent(type, this.mapper::writerFor);
	}

	private ObjectReader reader(JavaType type) {
		ObjectReader reader = this.readers.get(type);
		return (reader != null) ? reader : this.readers.computeIfAbsent(type, this.mapper::readerFor);
	}

	private static List<byte[]> attachments() {
		List<byte[]> attachments = ATTACHMENTS.get().getPlain();
		if (attachments == null) {
			throw new IllegalStateException("byte[] values are only supported through JsonCodec");
		}
		return attachments;
	}

	/** Writes a byte array as the index of an attachment that carries its raw bytes. */
	private static final class AttachmentSerializer extends ValueSerializer<byte[]> {

		@Override
		public void serialize(byte[] value, JsonGenerator generator, SerializationContext context) {
			List<byte[]> attachments = attachments();
			attachments.add(value);
			generator.writeNumber(attachments.size() - 1);
		}

	}

	/** Reads an attachment index back into the attachment's bytes. */
	private static final class AttachmentDeserializer extends ValueDeserializer<byte[]> {

		@Override
		public byte[] deserialize(JsonParser parser, DeserializationContext context) {
			if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
				return (byte[]) context.handleUnexpectedToken(byte[].class, parser);
			}
			List<byte[]> attachments = attachments();
			int index = parser.getIntValue();
			if (index < 0 || index >= attachments.size()) {
				return (byte[]) context.reportInputMismatch(byte[].class, "byte[] attachment index " + index
						+ " is out of range: the message has " + attachments.size() + " attachments");
			}
			return attachments.get(index);
		}

	}

	/**
	 * Writes a buffer's remaining bytes as an attachment, as {@code byte[]} is written.
	 */
	private static final class BufferSerializer extends ValueSerializer<ByteBuffer> {

		@Override
		public void serialize(ByteBuffer value, JsonGenerator generator, SerializationContext context) {
			byte[] bytes;
			if (value.hasArray() && value.arrayOffset() == 0 && value.position() == 0
					&& value.remaining() == value.array().length) {
				bytes = value.array();
			}
			else {
				bytes = new byte[value.remaining()];
				value.duplicate().get(bytes);
			}
			List<byte[]> attachments = attachments();
			attachments.add(bytes);
			generator.writeNumber(attachments.size() - 1);
		}

	}

	/** Reads an attachment back as a heap buffer of its own. */
	private static final class BufferDeserializer extends ValueDeserializer<ByteBuffer> {

		private final AttachmentDeserializer bytes = new AttachmentDeserializer();

		@Override
		public ByteBuffer deserialize(JsonParser parser, DeserializationContext context) {
			return ByteBuffer.wrap(this.bytes.deserialize(parser, context));
		}

	}

	/**
	 * A Java type resolved by a {@link JsonCodec}: resolve it once with
	 * {@link JsonCodec#messageType(Type)} and pass it with every message of that type,
	 * which then costs no type lookup.
	 */
	public static final class MessageType {

		private final JavaType javaType;

		private MessageType(JavaType javaType) {
			this.javaType = javaType;
		}

		@Override
		public String toString() {
			return this.javaType.toCanonical();
		}

	}

}
