package dev.ceramic.channel;

import java.io.FileDescriptor;
import java.lang.reflect.Type;
import java.time.Duration;

import dev.ceramic.channel.JsonCodec.MessageType;
import org.jspecify.annotations.Nullable;

/**
 * The receiving side of a typed channel. A message that cannot be decoded fails only its
 * own receive, with a {@link MessageDecodingException}; the channel stays open. Binary
 * values a {@link TypedSender} sent {@link OutOfBand out of band} are copied out of their
 * shared memory as the value is decoded, and their descriptors closed.
 *
 * @param <T> the type of the values received
 */
public final class TypedReceiver<T> {

	private final Chan chan;

	private final JsonCodec codec;

	private final MessageType type;

	private final long maxValueSize;

	private TypedReceiver(Chan chan, JsonCodec codec, MessageType type, long maxValueSize) {
		this.chan = chan;
		this.codec = codec;
		this.type = type;
		this.maxValueSize = maxValueSize;
	}

	/**
	 * Return a receiver of values of a type, with the default codec.
	 * @param <T> the type of the values
	 * @param chan the channel
	 * @param type the type of the values
	 * @return the receiver
	 */
	public static <T> TypedReceiver<T> over(Chan chan, Class<T> type) {
		return over(chan, JsonCodec.defaults(), type);
	}

	/**
	 * Return a receiver of values of a possibly generic type.
	 * @param <T> the type of the values
	 * @param chan the channel
	 * @param codec the codec
	 * @param type the type of the values
	 * @return the receiver
	 */
	public static <T> TypedReceiver<T> over(Chan chan, JsonCodec codec, Type type) {
		return new TypedReceiver<>(chan, codec, codec.messageType(type), OutOfBand.DEFAULT_MAX_VALUE_SIZE);
	}

	/**
	 * Return a receiver like this one that accepts binary values out of band up to
	 * another size.
	 * @param maxValueSize the largest one to accept
	 * @return the new receiver
	 */
	public TypedReceiver<T> withMaxValueSize(long maxValueSize) {
		if (maxValueSize < 1) {
			throw new IllegalArgumentException("The largest value must be at least 1 byte, but was " + maxValueSize);
		}
		return new TypedReceiver<>(this.chan, this.codec, this.type, maxValueSize);
	}

	/**
	 * Wait for a value.
	 * @return the value
	 * @throws MessageDecodingException if the message does not decode as the type
	 */
	public @Nullable T recv() {
		return decode(this.chan.recvWithFds());
	}

	/**
	 * Wait at most {@code timeout} for a value.
	 * @param timeout how long to wait
	 * @return the value
	 */
	public @Nullable T recv(Duration timeout) {
		return decode(this.chan.recvWithFds(timeout));
	}

	private @Nullable T decode(Received received) {
		try (OutOfBand outOfBand = OutOfBand.receiving(received.fileDescriptors(), this.maxValueSize)) {
			byte[] message = received.payload();
			return this.codec.decode(message, 0, message.length, this.type, outOfBand);
		}
	}

	/**
	 * Wait for a value and the file descriptors that travelled with it. When the value
	 * does not decode, the descriptors are closed before the exception is thrown.
	 * @return the value and its descriptors, which the caller must close
	 */
	public WithFds<T> recvWithFds() {
		Received received = this.chan.recvWithFds();
		try {
			T value = this.codec.decode(received.payload(), this.type);
			return new WithFds<>(value, received.fileDescriptors());
		}
		catch (MessageDecodingException ex) {
			Descriptors.closeQuietly(received.fileDescriptors());
			throw ex;
		}
	}

	/**
	 * A value received with file descriptors.
	 *
	 * @param <T> the type of the value
	 * @param value the value
	 * @param fileDescriptors the descriptors, which the receiver must close
	 */
	public record WithFds<T>(@Nullable T value, FileDescriptor[] fileDescriptors) {

	}

}
