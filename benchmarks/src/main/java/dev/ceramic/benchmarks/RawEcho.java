package dev.ceramic.benchmarks;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
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
 * Arguments: the message size (in {@link Mode#DRAIN}, the read size), and a {@link Mode}
 * by name.
 */
public final class RawEcho {

	static final int HEADER_SIZE = 10;

	private RawEcho() {
	}

	/** What a raw round trip carries and allocates. */
	enum Mode {

		/** A message is its bytes alone, read into and written from reused arrays. */
		PLAIN,

		/**
		 * As {@link #PLAIN}, but every message is read into a new array, as any API that
		 * returns a message as a {@code byte[]} of its own (as {@code Chan.recv} does)
		 * must: the floor of such an API.
		 */
		NEW_ARRAY,

		/**
		 * The wire of a {@code Chan} send that is acknowledged at once: each message has
		 * a 10-byte header and is answered by a 10-byte acknowledgement, written by the
		 * receiver before it replies. The floor of that protocol, with none of Chan's
		 * locking, dispatch or bookkeeping.
		 */
		ACK,

		/**
		 * One way: each message is an 8-byte length and then that many bytes, read with
		 * reads of at most the size given, and answered by the 8-byte count read. The
		 * floor of streaming bytes to a child.
		 */
		DRAIN

	}

	public static void main(String[] args) throws IOException {
		int size = Integer.parseInt(args[0]);
		Mode mode = Mode.valueOf(args[1]);
		AFUNIXSocket socket = FileDescriptorCast.using(FileDescriptor.in).as(AFUNIXSocket.class);
		if (mode == Mode.DRAIN) {
			drain(socket.getInputStream(), socket.getOutputStream(), size);
			System.exit(0);
		}
		Reader in = new Reader(socket.getInputStream());
		OutputStream out = socket.getOutputStream();
		if (mode == Mode.PLAIN) {
			byte[] message = new byte[size];
			while (in.readFully(message)) {
				out.write(message);
			}
		}
		else if (mode == Mode.NEW_ARRAY) {
			byte[] message = new byte[size];
			while (in.readFully(message)) {
				out.write(message);
				message = new byte[size];
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

	private static void drain(InputStream in, OutputStream out, int readSize) throws IOException {
		DataInputStream lengths = new DataInputStream(in);
		DataOutputStream counts = new DataOutputStream(out);
		byte[] buffer = new byte[readSize];
		while (true) {
			long length;
			try {
				length = lengths.readLong();
			}
			catch (EOFException ex) {
				return;
			}
			long count = 0;
			while (count < length) {
				int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - count));
				if (n < 0) {
					throw new EOFException("The stream ended after " + count + " of " + length + " bytes");
				}
				count += n;
			}
			counts.writeLong(count);
		}
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
