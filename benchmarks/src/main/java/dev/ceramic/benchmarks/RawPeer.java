package dev.ceramic.benchmarks;

import java.io.EOFException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * The parent side of a raw baseline: a bare child JVM ({@link RawEcho}) started with
 * {@link ProcessBuilder}, whose standard input is its end of a socketpair, handed over
 * exactly as {@code Proc} does it.
 */
final class RawPeer implements RoundTripBenchmark.Peer {

	private final String name;

	private final Process process;

	private final AFUNIXSocket socket;

	private final RawEcho.Reader in;

	private final OutputStream out;

	private final RawEcho.Mode mode;

	private final byte[] frame;

	private byte[] reply;

	private final byte[] acknowledgement = new byte[RawEcho.HEADER_SIZE];

	private RawPeer(String name, Process process, AFUNIXSocket socket, int size, RawEcho.Mode mode) throws IOException {
		this.name = name;
		this.process = process;
		this.socket = socket;
		this.in = new RawEcho.Reader(socket.getInputStream());
		this.out = socket.getOutputStream();
		this.mode = mode;
		int frameSize = (mode == RawEcho.Mode.ACK) ? RawEcho.HEADER_SIZE + size : size;
		this.frame = new byte[frameSize];
		this.reply = new byte[frameSize];
	}

	/**
	 * Start a raw echo child.
	 * @param size the message size
	 * @param mode what a round trip carries and allocates
	 */
	static RawPeer start(String name, int size, RawEcho.Mode mode) throws IOException {
		AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
		AFUNIXSocket mine = (AFUNIXSocket) pair.getSocket1().socket();
		AFUNIXSocket theirs = (AFUNIXSocket) pair.getSocket2().socket();
		List<String> command = new ArrayList<>();
		command.add(ChildJava.executable().toString());
		if (Runtime.version().feature() >= 22) {
			command.add("--enable-native-access=ALL-UNNAMED");
		}
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(RawEcho.class.getName());
		command.add(Integer.toString(size));
		command.add(mode.name());
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.redirectInput(FileDescriptorCast.using(theirs.getFileDescriptor()).as(Redirect.class));
		builder.redirectOutput(Redirect.DISCARD);
		builder.redirectError(Redirect.INHERIT);
		Process process;
		try {
			process = builder.start();
		}
		finally {
			// As Proc does: close the parent's copy through a stream, without shutting
			// the
			// connection down as junixsocket's close() would.
			new FileInputStream(theirs.getFileDescriptor()).close();
		}
		return new RawPeer(name, process, mine, size, mode);
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public long pid() {
		return this.process.pid();
	}

	@Override
	public void roundTrip(byte[] message) throws IOException {
		boolean ack = this.mode == RawEcho.Mode.ACK;
		int offset = ack ? RawEcho.HEADER_SIZE : 0;
		System.arraycopy(message, 0, this.frame, offset, message.length);
		this.out.write(this.frame);
		if (ack && !this.in.readFully(this.acknowledgement)) {
			throw new EOFException("The raw echo child is gone");
		}
		if (this.mode == RawEcho.Mode.NEW_ARRAY) {
			this.reply = new byte[this.reply.length];
		}
		if (!this.in.readFully(this.reply)) {
			throw new EOFException("The raw echo child is gone");
		}
		if (ack) {
			this.out.write(this.acknowledgement);
		}
	}

	/**
	 * In {@link RawEcho.Mode#DRAIN}: send {@code length} bytes, writing {@code chunk}
	 * over and over, and return the count the child read.
	 */
	long drain(long length, byte[] chunk) throws IOException {
		this.out.write(ByteBuffer.allocate(Long.BYTES).putLong(length).array());
		for (long left = length; left > 0; left -= chunk.length) {
			this.out.write(chunk, 0, (int) Math.min(chunk.length, left));
		}
		byte[] count = new byte[Long.BYTES];
		if (!this.in.readFully(count)) {
			throw new EOFException("The raw drain child is gone");
		}
		return ByteBuffer.wrap(count).getLong();
	}

	@Override
	public void close() throws IOException, InterruptedException {
		this.socket.close();
		if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
			this.process.waitFor();
		}
	}

}
