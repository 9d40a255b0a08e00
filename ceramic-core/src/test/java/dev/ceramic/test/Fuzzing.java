package dev.ceramic.test;

import java.util.Arrays;
import java.util.Random;

/**
 * What the seeded fuzz tests share: their seeds, and the byte-level mutations that any
 * wire format meets (a flipped bit, a byte replaced, a cut, random bytes added, a 32-bit
 * field overwritten). Each test mixes these with mutations of its own format.
 */
public final class Fuzzing {

	/** The system property that replays a run with the seed it printed. */
	public static final String SEED_PROPERTY = "ceramic.fuzz.seed";

	private Fuzzing() {
	}

	/**
	 * Return a fixed seed, and one per run (or the one given to replay).
	 * @param fixed the seed every run uses
	 * @return the seeds to run with
	 */
	public static long[] seeds(long fixed) {
		Long given = Long.getLong(SEED_PROPERTY);
		return new long[] { fixed, (given != null) ? given : System.nanoTime() };
	}

	/**
	 * Return one random byte: what a mutation of no bytes at all makes.
	 * @param random the source of randomness
	 * @return the byte, as an array
	 */
	public static byte[] oneByte(Random random) {
		return new byte[] { (byte) random.nextInt() };
	}

	/**
	 * Flip one random bit of the byte at {@code at}.
	 * @param bytes the bytes, changed in place
	 * @param at the index
	 * @param random the source of randomness
	 */
	public static void flipBit(byte[] bytes, int at, Random random) {
		bytes[at] ^= (byte) (1 << random.nextInt(8));
	}

	/**
	 * Replace the byte at {@code at} with a random one.
	 * @param bytes the bytes, changed in place
	 * @param at the index
	 * @param random the source of randomness
	 */
	public static void replaceByte(byte[] bytes, int at, Random random) {
		bytes[at] = (byte) random.nextInt();
	}

	/**
	 * Return the bytes cut before {@code at}.
	 * @param bytes the bytes
	 * @param at where the cut is
	 * @return the bytes before it
	 */
	public static byte[] cut(byte[] bytes, int at) {
		return Arrays.copyOf(bytes, at);
	}

	/**
	 * Return the bytes with 1 to 16 random bytes after them.
	 * @param bytes the bytes
	 * @param random the source of randomness
	 * @return the longer bytes
	 */
	public static byte[] extend(byte[] bytes, Random random) {
		byte[] longer = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(16));
		for (int i = bytes.length; i < longer.length; i++) {
			longer[i] = (byte) random.nextInt();
		}
		return longer;
	}

	/**
	 * Overwrite the 32-bit big-endian field at {@code at} with {@code value}, as far as
	 * the bytes go.
	 * @param bytes the bytes, changed in place
	 * @param at where the field starts
	 * @param value the value
	 */
	public static void writeInt(byte[] bytes, int at, int value) {
		for (int b = 0; b < 4 && at + b < bytes.length; b++) {
			bytes[at + b] = (byte) (value >>> (24 - 8 * b));
		}
	}

}
