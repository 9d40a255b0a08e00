package dev.ceramic.benchmarks;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * The child side of the raw baselines: a bare JVM whose standard input is its end of the
 * socketpair, echoing fixed-size messages with plain stream reads and writes.
 *
 * <p>
 * Arguments: the message size, and {@code plain} or {@code ack}. In {@code plain} mode a
 * message is its bytes alone. In {@code ack} mode the wire carries what a {@code Chan}
 * carries: each message has a 10-byte header and is answered by a 10-byte
 * acknowledgement, written by the receiver before it replies. That is the floor of the
 * rendezvous protocol, with none of Chan's locking, dispatch or bookkeeping.
 */
public final class RawEcho {

	static final int HEADER_SIZE = 10;

	private RawEcho() {
	}

	public static void main(String[] args) throws IOException {
		int size = Integer.parseInt(args[0]);
		boolean ack = "ack".equals(args[1]);
		AFUNIXSocket socket = FileDescriptorCast.using(FileDescriptor.in).as(AFUNIXSocket.class);
		Reader in = new Reader(socket.getInputStream());
		OutputStream out = socket.getOutputStream();
		if (!ack) {
			byte[] message = new byte[size];
			while (in.readFully(message)) {
				out.write(message);
			}
		}
		else {
			byte[] data = new byte[HEADER_SIZE + size];
			byte[] acknowledgement = new byte[HEADER_SIZE];
			if (in.readFully(data)) {
				while (true) {
					out.write(acknowledgement);
					out.write(data);
					if (!in.readFully(acknowledgement) || !in.readFully(data)) {
						break;
					}
				}
			}
		}
		System.exit(0);
	}

	/**
	 * A read buffer with the same policy as Chan's frame reader: each read asks for what
	 * is needed, or 4 KiB if that is more, so that frames that are already there come in
	 * one system call.
	 */
	static final class Reader {

		private static final int READ_AHEAD = 4 * 1024;

		private final InputStream in;

		private final byte[] buffer = new byte[64 * 1024];

		private int position;

		private int limit;

		Reader(InputStream in) {
			this.in = in;
		}

		/** Fill {@code target}; {@code false} at end of stream. */
		boolean readFully(byte[] target) throws IOException {
			int filled = 0;
			while (filled < target.length) {
				if (this.position == this.limit) {
					this.position = 0;
					this.limit = 0;
					int request = Math.min(this.buffer.length, Math.max(target.length - filled, READ_AHEAD));
					int n = this.in.read(this.buffer, 0, request);
					if (n < 0) {
						return false;
					}
					this.limit = n;
				}
				int n = Math.min(this.limit - this.position, target.length - filled);
				System.arraycopy(this.buffer, this.position, target, filled, n);
				this.position += n;
				filled += n;
			}
			return true;
		}

	}

}
