package dev.ceramic.channel;

import java.io.FileDescriptor;
import java.lang.reflect.Type;
import java.time.Duration;

import dev.ceramic.channel.JsonCodec.MessageType;
import org.jspecify.annotations.Nullable;

/**
 * The sending side of a typed channel: values are encoded with a {@link JsonCodec} and
 * sent over a {@link Chan} with its rendezvous semantics. Binary values ({@code byte[]}
 * and {@code ByteBuffer}, anywhere in a value) from {@link OutOfBand#DEFAULT_THRESHOLD
 * 256 KiB} up travel {@link OutOfBand out of band}, in shared memory, when the channel
 * passes descriptors; a {@link TypedReceiver} reads them back.
 *
 * @param <T> the type of the values sent
 */
public final class TypedSender<T> {

	private final Chan chan;

	private final JsonCodec codec;

	private final MessageType type;

	private final long largeValueThreshold;

	private final long maxValueSize;

	private TypedSender(Chan chan, JsonCodec codec, MessageType type, long largeValueThreshold, long maxValueSize) {
		this.chan = chan;
		this.codec = codec;
		this.type = type;
		this.largeValueThreshold = largeValueThreshold;
		this.maxValueSize = maxValueSize;
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
		return new TypedSender<>(chan, codec, codec.messageType(type), OutOfBand.DEFAULT_THRESHOLD,
				OutOfBand.DEFAULT_MAX_VALUE_SIZE);
	}

	/**
	 * Return a sender like this one whose binary values travel out of band from another
	 * size up, and may be as large as another limit.
	 * @param threshold the size from which they travel out of band
	 * @param maxValueSize the largest one that may
	 * @return the new sender
	 */
	public TypedSender<T> withLargeValues(long threshold, long maxValueSize) {
		if (threshold < 1 || maxValueSize < 1) {
			throw new IllegalArgumentException("The threshold and the largest value must be at least 1 byte, but were "
					+ threshold + " and " + maxValueSize);
		}
		return new TypedSender<>(this.chan, this.codec, this.type, threshold, maxValueSize);
	}

	/**
	 * Send a value and wait until the peer has received it.
	 * @param value the value
	 * @throws IllegalArgumentException if the value cannot be encoded; nothing was sent
	 */
	public void send(@Nullable T value) {
		send(value, null);
	}

	/**
	 * Send a value and wait at most {@code timeout} for the peer to receive it.
	 * @param value the value
	 * @param timeout how long to wait
	 * @see Chan#send(byte[], Duration)
	 */
	public void send(@Nullable T value, @Nullable Duration timeout) {
		if (this.chan.options().maxFileDescriptors() == 0) {
			byte[] message = this.codec.encode(value, this.type);
			sendMessage(message, timeout);
			return;
		}
		// The file, if any, is closed once the peer has its own descriptor of it, or
		// the send failed.
		try (OutOfBand outOfBand = OutOfBand.sending(this.largeValueThreshold, this.maxValueSize,
				"the sender's maximum value size")) {
			byte[] message = this.codec.encode(value, this.type, outOfBand);
			FileDescriptor[] fds = outOfBand.descriptors();
			if (fds.length == 0) {
				sendMessage(message, timeout);
			}
			else if (timeout == null) {
				this.chan.sendWithFds(message, fds);
			}
			else {
				this.chan.send(message, timeout, fds);
			}
		}
	}

	private void sendMessage(byte[] message, @Nullable Duration timeout) {
		if (timeout == null) {
			this.chan.send(message);
		}
		else {
			this.chan.send(message, timeout);
		}
	}

	/**
	 * Send a value with file descriptors. Its binary values travel in the message,
	 * whatever their size, so that the descriptors that arrive are exactly these.
	 * @param value the value
	 * @param fds the descriptors to pass
	 * @see Chan#sendWithFds(byte[], FileDescriptor...)
	 */
	public void sendWithFds(@Nullable T value, FileDescriptor... fds) {
		this.chan.sendWithFds(this.codec.encode(value, this.type), fds);
	}

}
