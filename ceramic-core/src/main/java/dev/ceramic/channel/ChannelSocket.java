package dev.ceramic.channel;

import java.io.FileDescriptor;
import java.io.IOException;

import org.jspecify.annotations.Nullable;

/**
 * The socket under one channel end: byte-stream reads and writes, with timeouts and
 * descriptor passing. Only one thread at a time reads, and writes are serialized by the
 * channel.
 */
interface ChannelSocket {

	/**
	 * Read up to {@code length} bytes.
	 * @param timeoutMillis how long to wait for the first byte, or 0 to wait for ever
	 * @return how many bytes were read, or -1 at end of stream
	 * @throws java.net.SocketTimeoutException when nothing arrived in time
	 */
	int read(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException;

	/** How many bytes can be read without blocking. */
	int available() throws IOException;

	/**
	 * Write all of {@code length} bytes, with {@code fds} attached to the first of them.
	 */
	void write(byte[] buffer, int offset, int length, FileDescriptor[] fds) throws IOException;

	/**
	 * Take the descriptors that arrived with the bytes read so far.
	 * @return the descriptors, or null if none arrived
	 */
	FileDescriptor @Nullable [] takeReceivedFileDescriptors() throws IOException;

	/**
	 * Close the socket, waking every thread of this process that is blocked reading or
	 * writing it. Best effort: the descriptor is released either way.
	 */
	void close();

}
