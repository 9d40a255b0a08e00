package dev.ceramic.benchmarks;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * The child side of the raw baseline: a bare JVM whose standard input is its end of the
 * socketpair, echoing fixed-size messages with plain stream reads and writes, no framing
 * and no acknowledgements.
 */
public final class RawEcho {

	private RawEcho() {
	}

	public static void main(String[] args) throws IOException {
		int size = Integer.parseInt(args[0]);
		AFUNIXSocket socket = FileDescriptorCast.using(FileDescriptor.in).as(AFUNIXSocket.class);
		InputStream in = socket.getInputStream();
		OutputStream out = socket.getOutputStream();
		byte[] message = new byte[size];
		while (readFully(in, message)) {
			out.write(message);
		}
		System.exit(0);
	}

	/**
	 * Fill {@code buffer} from the stream.
	 * @param in the stream
	 * @param buffer the buffer to fill
	 * @return {@code false} at end of stream
	 * @throws IOException if reading fails
	 */
	static boolean readFully(InputStream in, byte[] buffer) throws IOException {
		int filled = 0;
		while (filled < buffer.length) {
			int n = in.read(buffer, filled, buffer.length - filled);
			if (n < 0) {
				return false;
			}
			filled += n;
		}
		return true;
	}

}
