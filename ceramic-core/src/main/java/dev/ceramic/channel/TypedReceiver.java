package dev.ceramic.channel;

import java.io.FileDescriptor;
import java.lang.reflect.Type;
import java.time.Duration;

import dev.ceramic.channel.JsonCodec.MessageType;
import org.jspecify.annotations.Nullable;

/**
 * The receiving side of a typed channel. A message that cannot be decoded fails only its
 * own receive, with a {@link MessageDecodingException}; the channel stays open.
 *
 * @param <T> the type of the values received
 */
public final class TypedReceiver<T> {

	private final Chan chan;

	private final JsonCodec codec;

	private final MessageType type;

	private TypedReceiver(Chan chan, JsonCodec codec, MessageType type) {
		this.chan = chan;
		this.codec = codec;
		this.type = type;
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
		return new TypedReceiver<>(chan, codec, codec.messageType(type));
	}

	/**
	 * Wait for a value.
	 * @return the value
	 * @throws MessageDecodingException if the message does not decode as the type
	 */
	public @Nullable T recv() {
		return this.codec.decode(this.chan.recv(), this.type);
	}

	/**
	 * Wait at most {@code timeout} for a value.
	 * @param timeout how long to wait
	 * @return the value
	 */
	public @Nullable T recv(Duration timeout) {
		return this.codec.decode(this.chan.recv(timeout), this.type);
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
