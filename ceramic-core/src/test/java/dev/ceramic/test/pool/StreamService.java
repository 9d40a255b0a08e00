package dev.ceramic.test.pool;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A service for tests of {@code InputStream} arguments: read to the end, in part, not at
 * all, or while the worker dies.
 */
public interface StreamService {

	/**
	 * Return the worker's pid.
	 * @return the pid
	 */
	long pid();

	/**
	 * Read a stream to its end, a small buffer at a time.
	 * @param in the stream
	 * @return its length and checksum
	 */
	Digest digest(InputStream in);

	/**
	 * List what the worker's descriptors refer to while it holds a stream.
	 * @param in the stream
	 * @return each descriptor's target, from {@code /proc/self/fd}
	 */
	List<String> openFiles(InputStream in);

	/**
	 * Describe a call's values and streams, in parameter order.
	 * @param bytes some bytes
	 * @param first a stream, or {@code null}
	 * @param second another stream, or {@code null}
	 * @return the bytes' length, then each stream's digest or {@code null}
	 */
	String label(byte[] bytes, InputStream first, InputStream second);

	/**
	 * Read the first bytes of a stream, then close it.
	 * @param in the stream
	 * @param bytes how many to read
	 * @return how many were read
	 */
	long readAndClose(InputStream in, int bytes);

	/**
	 * Return without touching the stream.
	 * @param in the stream
	 * @return the worker's pid
	 */
	long ignore(InputStream in);

	/**
	 * Read the first bytes of a stream, then end the worker at once.
	 * @param in the stream
	 * @param bytes how many to read first
	 */
	void readThenHalt(InputStream in, int bytes);

	/**
	 * Return a stream of patterned bytes.
	 * @param length its length
	 * @return the stream, as {@code PatternStream.of(length)}
	 */
	InputStream produce(long length);

	/**
	 * Return no stream.
	 * @return {@code null}
	 */
	InputStream nothing();

	/**
	 * Return a stream that never ends; {@link #lastEndless()} tells what became of it.
	 * @return the stream
	 */
	InputStream endless();

	/**
	 * Describe the stream {@link #endless()} returned last, once the worker let go of it.
	 * @return how far it was read, whether it was closed, and how many pump threads run
	 */
	String lastEndless();

	/**
	 * Return a stream that fails once {@code failAt} bytes were read.
	 * @param failAt where it fails
	 * @return the stream
	 */
	InputStream failing(long failAt);

	/**
	 * Return a stream that ends the worker at once when {@code bytes} were read.
	 * @param bytes how many bytes it gives first
	 * @return the stream
	 */
	InputStream produceThenHalt(long bytes);

	/**
	 * The length and checksum of a stream.
	 *
	 * @param length its length
	 * @param crc its CRC-32
	 */
	record Digest(long length, long crc) {

		/**
		 * Read a stream to its end.
		 * @param in the stream
		 * @return its digest
		 * @throws IOException if reading fails
		 */
		public static Digest of(InputStream in) throws IOException {
			CRC32 crc = new CRC32();
			byte[] buffer = new byte[64 * 1024];
			long length = 0;
			int n;
			while ((n = in.read(buffer)) >= 0) {
				crc.update(buffer, 0, n);
				length += n;
			}
			return new Digest(length, crc.getValue());
		}

	}

}
