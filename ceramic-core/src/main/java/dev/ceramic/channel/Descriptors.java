package dev.ceramic.channel;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;

/**
 * Closing raw {@link FileDescriptor}s, which the JDK offers no direct way to do: through
 * a stream, never through junixsocket, whose close() would shut a shared socket down.
 */
final class Descriptors {

	private Descriptors() {
	}

	/**
	 * Close a descriptor, ignoring failures. Closing through a stream closes the number
	 * once and marks the {@code FileDescriptor} invalid, so nothing else closes it twice.
	 * @param fd the descriptor
	 */
	static void closeQuietly(FileDescriptor fd) {
		if (fd.valid()) {
			try {
				new FileInputStream(fd).close();
			}
			catch (IOException ex) {
				// Nothing useful to do: the descriptor is invalid either way.
			}
		}
	}

	/**
	 * Close each descriptor, ignoring failures.
	 * @param fds the descriptors
	 */
	static void closeQuietly(FileDescriptor... fds) {
		for (FileDescriptor fd : fds) {
			closeQuietly(fd);
		}
	}

}
