package dev.ceramic.channel;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Decodes frames from the socket. Reads are buffered, and a frame that is cut short by a
 * read timeout is kept and completed by the next call, so a timeout never desynchronises
 * the stream. Only one thread at a time uses a reader (the channel's current reading
 * thread).
 */
final class FrameReader {

	private static final int BUFFER_SIZE = 64 * 1024;

	/**
	 * The most a read asks for beyond what the current frame still needs. junixsocket's
	 * stream read allocates and copies as many bytes as are asked for, not as many as
	 * arrive, so asking for the whole 64 KiB buffer cost a 64 KiB copy on every read. A
	 * few KiB still take a control frame and the next small message in one read.
	 */
	private static final int READ_AHEAD = 4 * 1024;

	/**
	 * The most one read of a large payload asks for. junixsocket's read costs in
	 * proportion to the length asked for, not to what arrives (about a socket buffer's
	 * worth), so asking for the whole rest of a 64 MiB frame on every read made a frame's
	 * time grow with the square of its size.
	 */
	static final int MAX_READ = 256 * 1024;

	private final ChannelSocket socket;

	private final int maxFrameSize;

	private final int maxFds;

	private final byte[] buffer = new byte[BUFFER_SIZE];

	private int position;

	private int limit;

	private final ArrayDeque<FileDescriptor> receivedFds = new ArrayDeque<>();

	// The frame being read, once its header is complete (payload non-null).
	private byte headerType;

	private int headerSeq;

	private int headerArg;

	private int headerFds;

	private byte @Nullable [] payload;

	private int payloadFilled;

	private final long spinNanos;

	FrameReader(ChannelSocket socket, int maxFrameSize, int maxFds, long spinNanos) {
		this.socket = socket;
		this.maxFrameSize = maxFrameSize;
		this.maxFds = maxFds;
		// On a single CPU a spinning reader only keeps the peer from running.
		this.spinNanos = (Runtime.getRuntime().availableProcessors() > 1) ? spinNanos : 0;
	}

	/**
	 * Whether bytes of another frame were read from the socket but not decoded yet.
	 */
	boolean hasBufferedInput() {
		return this.limit > this.position;
	}

	/**
	 * Whether bytes of another frame have arrived, in the buffer or in the socket.
	 */
	boolean hasInput() throws IOException {
		return hasBufferedInput() || this.socket.available() > 0;
	}

	/**
	 * Read the next frame.
	 * @param timeoutMillis how long to wait for bytes, or 0 to wait for ever
	 * @return the frame
	 * @throws java.net.SocketTimeoutException when no complete frame arrived in time (any
	 * partial frame is kept for the next call)
	 * @throws EOFException when the peer's end is gone
	 * @throws FrameTooLargeException when the peer announced a frame over the limit
	 * @throws MalformedFrameException when the bytes are not a frame
	 */
	Frame read(int timeoutMillis) throws IOException {
		byte[] body = this.payload;
		if (body == null) {
			while (this.limit - this.position < Frame.HEADER_SIZE) {
				fill(Frame.HEADER_SIZE - (this.limit - this.position), timeoutMillis);
			}
			parseHeader();
			body = Frame.isMessage(this.headerType) ? new byte[this.headerArg] : Frame.NO_PAYLOAD;
			this.payload = body;
			this.payloadFilled = 0;
		}
		while (this.payloadFilled < body.length) {
			int buffered = this.limit - this.position;
			if (buffered > 0) {
				int n = Math.min(buffered, body.length - this.payloadFilled);
				System.arraycopy(this.buffer, this.position, body, this.payloadFilled, n);
				this.position += n;
				this.payloadFilled += n;
			}
			else if (body.length - this.payloadFilled >= BUFFER_SIZE) {
				// Large payloads are read straight into place rather than through the
				// buffer, a bounded piece at a time.
				int n = this.socket.read(body, this.payloadFilled, Math.min(MAX_READ, body.length - this.payloadFilled),
						timeoutMillis);
				if (n < 0) {
					throw new EOFException("end of stream inside a frame");
				}
				this.payloadFilled += n;
				collectFds();
			}
			else {
				fill(body.length - this.payloadFilled, timeoutMillis);
			}
		}
		this.payload = null;
		return new Frame(this.headerType, this.headerSeq, this.headerArg, body, takeFds(this.headerFds));
	}

	private void parseHeader() {
		byte type = this.buffer[this.position];
		int fdCount = this.buffer[this.position + 1] & 0xff;
		int seq = Frame.getInt(this.buffer, this.position + 2);
		int arg = Frame.getInt(this.buffer, this.position + 6);
		this.position += Frame.HEADER_SIZE;
		if (type < Frame.DATA || type > Frame.LAST_TYPE) {
			throw new MalformedFrameException("Received a frame of unknown type " + (type & 0xff)
					+ "; the peer does not speak this channel's protocol");
		}
		if (Frame.isMessage(type)) {
			if (arg < 0 || arg > this.maxFrameSize) {
				throw new FrameTooLargeException("Received a frame announcing " + Integer.toUnsignedString(arg)
						+ " bytes, over this channel's maximum frame size of " + this.maxFrameSize
						+ " bytes; raise ChanOptions.maxFrameSize on both ends if such messages are intended");
			}
			if (fdCount > this.maxFds) {
				throw new MalformedFrameException("Received a frame carrying " + fdCount
						+ " file descriptors, over this channel's maximum of " + this.maxFds);
			}
		}
		else if (fdCount != 0) {
			throw new MalformedFrameException("Received a " + Frame.typeName(type) + " frame carrying " + fdCount
					+ " file descriptors; only message frames may carry them");
		}
		this.headerType = type;
		this.headerSeq = seq;
		this.headerArg = arg;
		this.headerFds = fdCount;
	}

	/** Read at least one byte into the buffer; {@code needed} bytes would be welcome. */
	private void fill(int needed, int timeoutMillis) throws IOException {
		if (this.position > 0) {
			int remaining = this.limit - this.position;
			System.arraycopy(this.buffer, this.position, this.buffer, 0, remaining);
			this.position = 0;
			this.limit = remaining;
		}
		int request = Math.min(this.buffer.length - this.limit, Math.max(needed, READ_AHEAD));
		if (this.spinNanos > 0) {
			spin();
		}
		int n = this.socket.read(this.buffer, this.limit, request, timeoutMillis);
		if (n < 0) {
			throw new EOFException("end of stream");
		}
		this.limit += n;
		collectFds();
	}

	/**
	 * Poll until bytes arrive or the spin time is over, so that a reply that comes soon
	 * is read without this thread being put to sleep and woken again.
	 */
	private void spin() throws IOException {
		long start = System.nanoTime();
		while (this.socket.available() <= 0 && System.nanoTime() - start < this.spinNanos) {
			Thread.onSpinWait();
		}
	}

	private void collectFds() throws IOException {
		FileDescriptor[] fds = this.socket.takeReceivedFileDescriptors();
		if (fds != null) {
			this.receivedFds.addAll(Arrays.asList(fds));
		}
	}

	private FileDescriptor[] takeFds(int count) {
		if (count == 0) {
			return Frame.NO_FDS;
		}
		if (this.receivedFds.size() < count) {
			throw new MalformedFrameException("A frame announced " + count + " file descriptors but "
					+ this.receivedFds.size() + " arrived with it");
		}
		FileDescriptor[] fds = new FileDescriptor[count];
		for (int i = 0; i < count; i++) {
			fds[i] = this.receivedFds.poll();
		}
		return fds;
	}

	/** Close any descriptors that arrived but were never handed out. */
	void discardFds() {
		FileDescriptor fd;
		while ((fd = this.receivedFds.poll()) != null) {
			Descriptors.closeQuietly(fd);
		}
	}

}
