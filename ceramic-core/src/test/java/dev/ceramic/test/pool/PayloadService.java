package dev.ceramic.test.pool;

import java.nio.ByteBuffer;

/**
 * A service for tests of large values: arguments and results of any size, as
 * {@code byte[]}, {@code ByteBuffer} and inside a record.
 */
public interface PayloadService {

	/**
	 * Return the worker's pid.
	 * @return the pid
	 */
	long pid();

	/**
	 * Return the length of the bytes.
	 * @param bytes the bytes
	 * @return their length
	 */
	int length(byte[] bytes);

	/**
	 * Return a checksum of the bytes, to prove they arrived intact.
	 * @param bytes the bytes
	 * @return the checksum
	 */
	long checksum(byte[] bytes);

	/**
	 * Return {@code size} bytes, byte {@code i} being {@code (byte) (i * 31 + seed)}.
	 * @param size how many
	 * @param seed the pattern's start
	 * @return the bytes
	 */
	byte[] make(int size, int seed);

	/**
	 * Return the bytes.
	 * @param bytes the bytes
	 * @return the same bytes
	 */
	byte[] echo(byte[] bytes);

	/**
	 * Return the buffer's remaining bytes.
	 * @param buffer the buffer
	 * @return a buffer with the same bytes
	 */
	ByteBuffer echoBuffer(ByteBuffer buffer);

	/**
	 * Return the record.
	 * @param blob the record
	 * @return the same record
	 */
	Blob echoBlob(Blob blob);

	/**
	 * End the worker at once, without replying.
	 * @param bytes the bytes, which arrived first
	 */
	void halt(byte[] bytes);

	/**
	 * A record with two byte arrays in it.
	 *
	 * @param name a name
	 * @param first the first bytes
	 * @param second the second bytes
	 */
	record Blob(String name, byte[] first, byte[] second) {

	}

	/**
	 * Return {@code size} bytes in the pattern of {@link #make(int, int)}.
	 * @param size how many
	 * @param seed the pattern's start
	 * @return the bytes
	 */
	static byte[] pattern(int size, int seed) {
		byte[] bytes = new byte[size];
		for (int i = 0; i < size; i++) {
			bytes[i] = (byte) (i * 31 + seed);
		}
		return bytes;
	}

	/**
	 * Return a checksum of bytes.
	 * @param bytes the bytes
	 * @return the checksum
	 */
	static long checksumOf(byte[] bytes) {
		java.util.zip.CRC32 crc = new java.util.zip.CRC32();
		crc.update(bytes);
		return crc.getValue();
	}

}
