package dev.ceramic.benchmarks;

/** The payload benchmark's service: a {@code byte[]} there and back. */
public interface Payloads {

	/**
	 * Return the bytes.
	 * @param bytes the bytes
	 * @return the same bytes
	 */
	byte[] echo(byte[] bytes);

	/** The implementation, run in the worker. */
	final class Impl implements Payloads {

		@Override
		public byte[] echo(byte[] bytes) {
			return bytes;
		}

	}

}
