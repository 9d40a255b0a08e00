package dev.ceramic.channel;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.jspecify.annotations.Nullable;
import org.newsclub.net.unix.AFUNIXSocket;

/** A channel's socket as a junixsocket {@link AFUNIXSocket}. */
final class UnixSocket implements ChannelSocket {

	private final AFUNIXSocket socket;

	private final InputStream in;

	private final OutputStream out;

	private int timeoutMillis;

	UnixSocket(AFUNIXSocket socket, int maxFileDescriptors) throws IOException {
		this.socket = socket;
		this.in = socket.getInputStream();
		this.out = socket.getOutputStream();
		if (maxFileDescriptors > 0) {
			// Room for the SCM_RIGHTS control message; without it junixsocket drops
			// descriptors.
			socket.setAncillaryReceiveBufferSize(64 + 4 * maxFileDescriptors);
		}
	}

	@Override
	public int read(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException {
		if (timeoutMillis != this.timeoutMillis) {
			// SO_RCVTIMEO costs a system call: set it only when it changes.
			this.socket.setSoTimeout(timeoutMillis);
			this.timeoutMillis = timeoutMillis;
		}
		return this.in.read(buffer, offset, length);
	}

	@Override
	public int available() throws IOException {
		return this.in.available();
	}

	@Override
	public void write(byte[] buffer, int offset, int length, FileDescriptor[] fds) throws IOException {
		if (fds.length > 0) {
			this.socket.setOutboundFileDescriptors(fds);
		}
		this.out.write(buffer, offset, length);
	}

	@Override
	public FileDescriptor @Nullable [] takeReceivedFileDescriptors() throws IOException {
		return this.socket.getReceivedFileDescriptors();
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// Closing is best effort: the descriptor is released either way.
		}
	}

}
