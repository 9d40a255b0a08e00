package dev.ceramic.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The stream benchmark's service: read a stream to its end. */
public interface Streams {

	/**
	 * Read the stream to its end.
	 * @param in the stream
	 * @return how many bytes it held
	 */
	long drain(InputStream in);

	/** The implementation, run in the worker. */
	final class Impl implements Streams {

		@Override
		public long drain(InputStream in) {
			// The same read size as the raw child's, so that only the path differs.
			byte[] buffer = new byte[64 * 1024];
			long count = 0;
			try {
				for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
					count += n;
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			return count;
		}

	}

}
