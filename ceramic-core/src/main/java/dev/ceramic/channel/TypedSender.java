package dev.ceramic.channel;

import java.io.FileDescriptor;
import java.lang.reflect.Type;
import java.time.Duration;

import dev.ceramic.channel.JsonCodec.MessageType;
import org.jspecify.annotations.Nullable;

/**
 * The sending side of a typed channel: values are encoded with a {@link JsonCodec} and
 * sent over a {@link Chan} with its rendezvous semantics.
 *
 * @param <T> the type of the values sent
 */
public final class TypedSender<T> {

	private final Chan chan;

	private final JsonCodec codec;

	private final MessageType type;

	private TypedSender(Chan chan, JsonCodec codec, MessageType type) {
		this.chan = chan;
		this.codec = codec;
		this.type = type;
	}

	/**
	 * Return a sender of values of a type, with the default codec.
	 * @param <T> the type of the values
	 * @param chan the channel
	 * @param type the type of the values
	 * @return the sender
	 */
	public static <T> TypedSender<T> over(Chan chan, Class<T> type) {
		return over(chan, JsonCodec.defaults(), type);
	}

	/**
	 * Return a sender of values of a possibly generic type.
	 * @param <T> the type of the values
	 * @param chan the channel
	 * @param codec the codec
	 * @param type the type of the values, for example from
	 * {@code Method.getGenericReturnType()}
	 * @return the sender
	 */
	public static <T> TypedSender<T> over(Chan chan, JsonCodec codec, Type type) {
		return new TypedSender<>(chan, codec, codec.messageType(type));
	}

	/**
	 * Send a value and wait until the peer has received it.
	 * @param value the value
	 * @throws IllegalArgumentException if the value cannot be encoded; nothing was sent
	 */
	public void send(@Nullable T value) {
		this.chan.send(this.codec.encode(value, this.type));
	}

	/**
	 * Send a value and wait at most {@code timeout} for the peer to receive it.
	 * @param value the value
	 * @param timeout how long to wait
	 * @see Chan#send(byte[], Duration)
	 */
	public void send(@Nullable T value, Duration timeout) {
		this.chan.send(this.codec.encode(value, this.type), timeout);
	}

	/**
	 * Send a value with file descriptors.
	 * @param value the value
	 * @param fds the descriptors to pass
	 * @see Chan#sendWithFds(byte[], FileDescriptor...)
	 */
	public void sendWithFds(@Nullable T value, FileDescriptor... fds) {
		this.chan.sendWithFds(this.codec.encode(value, this.type), fds);
	}

}
