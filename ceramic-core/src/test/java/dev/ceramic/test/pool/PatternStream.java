package dev.ceramic.test.pool;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;

/**
 * A stream of patterned bytes made as it is read, so that its length is bounded by
 * nothing but its limit: it can end, go on for ever, or fail at a given point. It counts
 * what was read from it and whether it was closed.
 */
public final class PatternStream extends InputStream {

	private final long length;

	private final long failAt;

	private volatile long position;

	private volatile boolean closed;

	private PatternStream(long length, long failAt) {
		this.length = length;
		this.failAt = failAt;
	}

	/**
	 * A stream of {@code length} bytes.
	 * @param length its length
	 * @return the stream
	 */
	public static PatternStream of(long length) {
		return new PatternStream(length, Long.MAX_VALUE);
	}

	/**
	 * A stream that never ends.
	 * @return the stream
	 */
	public static PatternStream endless() {
		return new PatternStream(Long.MAX_VALUE, Long.MAX_VALUE);
	}

	/**
	 * A stream whose read fails once {@code failAt} bytes were read.
	 * @param failAt where it fails
	 * @return the stream
	 */
	public static PatternStream failingAt(long failAt) {
		return new PatternStream(Long.MAX_VALUE, failAt);
	}

	/**
	 * The CRC-32 of the first bytes of any such stream.
	 * @param length how many bytes
	 * @return their checksum
	 */
	public static long crcOf(long length) {
		CRC32 crc = new CRC32();
		byte[] buffer = new byte[64 * 1024];
		PatternStream stream = of(length);
		try {
			int n;
			while ((n = stream.read(buffer, 0, buffer.length)) > 0) {
				crc.update(buffer, 0, n);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("A stream made to end does not fail", ex);
		}
		return crc.getValue();
	}

	@Override
	public int read() throws IOException {
		byte[] one = new byte[1];
		return (read(one, 0, 1) < 0) ? -1 : one[0] & 0xff;
	}

	@Override
	public int read(byte[] buffer, int offset, int count) throws IOException {
		long at = this.position;
		if (at >= this.failAt) {
			throw new IOException("the pattern stream failed at byte " + at + ", as it was made to");
		}
		if (at >= this.length) {
			return -1;
		}
		int n = (int) Math.min(count, Math.min(this.length, this.failAt) - at);
		for (int i = 0; i < n; i++) {
			buffer[offset + i] = (byte) ((at + i) * 31);
		}
		this.position = at + n;
		return n;
	}

	/**
	 * How many bytes were read so far.
	 * @return the count
	 */
	public long position() {
		return this.position;
	}

	/**
	 * Whether the stream was closed.
	 * @return whether it was
	 */
	public boolean closed() {
		return this.closed;
	}

	@Override
	public void close() {
		this.closed = true;
	}

}
