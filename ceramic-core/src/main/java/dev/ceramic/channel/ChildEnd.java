package dev.ceramic.channel;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * The other end of a channel on its way to a child process, which gets it as its standard
 * input and takes it up with {@link Chan#fromStandardInput(ChanOptions)}.
 *
 * <p>
 * Start the child with {@link #asStandardInput()} as its input redirect, then
 * {@link #close()} this process's copy whether the start worked or not: while the parent
 * holds a copy, it never sees end-of-stream when the child dies.
 */
public final class ChildEnd implements AutoCloseable {

	private final AFUNIXSocket socket;

	ChildEnd(AFUNIXSocket socket) {
		this.socket = socket;
	}

	/**
	 * Return this end as a redirect for {@link ProcessBuilder#redirectInput(Redirect)}.
	 * @return the redirect
	 * @throws IOException if the socket cannot be turned into one
	 */
	public Redirect asStandardInput() throws IOException {
		return FileDescriptorCast.using(this.socket.getFileDescriptor()).as(Redirect.class);
	}

	/**
	 * Close this process's copy of the end; the child's copy stays connected. Closing
	 * twice is harmless.
	 */
	@Override
	public void close() {
		// Through a stream, not junixsocket's close(), which would shut the connection
		// down for the child too.
		try {
			Descriptors.closeQuietly(this.socket.getFileDescriptor());
		}
		catch (IOException ex) {
			// The descriptor is already invalid.
		}
	}

}
