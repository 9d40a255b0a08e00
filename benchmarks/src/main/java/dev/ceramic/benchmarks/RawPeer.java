package dev.ceramic.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.ceramic.channel.Descriptors;
import dev.ceramic.process.ProcOptions;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * The parent side of the raw baseline: a bare child JVM ({@link RawEcho}) started with
 * {@link ProcessBuilder}, whose standard input is its end of a socketpair, handed over
 * exactly as {@code Proc} does it. Messages are fixed-size plain stream writes and reads.
 */
final class RawPeer implements AutoCloseable {

	private final Process process;

	private final AFUNIXSocket socket;

	private final InputStream in;

	private final OutputStream out;

	private final byte[] reply;

	private RawPeer(Process process, AFUNIXSocket socket, int size) throws IOException {
		this.process = process;
		this.socket = socket;
		this.in = socket.getInputStream();
		this.out = socket.getOutputStream();
		this.reply = new byte[size];
	}

	static RawPeer start(int size) throws IOException {
		AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
		AFUNIXSocket mine = (AFUNIXSocket) pair.getSocket1().socket();
		AFUNIXSocket theirs = (AFUNIXSocket) pair.getSocket2().socket();
		List<String> command = new ArrayList<>();
		command.add(ProcOptions.currentJava().toString());
		if (Runtime.version().feature() >= 22) {
			command.add("--enable-native-access=ALL-UNNAMED");
		}
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(RawEcho.class.getName());
		command.add(Integer.toString(size));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.redirectInput(FileDescriptorCast.using(theirs.getFileDescriptor()).as(Redirect.class));
		builder.redirectOutput(Redirect.DISCARD);
		builder.redirectError(Redirect.INHERIT);
		Process process;
		try {
			process = builder.start();
		}
		finally {
			// As Proc does: close the parent's copy without shutting the connection down.
			Descriptors.closeQuietly(theirs.getFileDescriptor());
		}
		return new RawPeer(process, mine, size);
	}

	void roundTrip(byte[] message) throws IOException {
		this.out.write(message);
		if (!RawEcho.readFully(this.in, this.reply)) {
			throw new EOFException("The raw echo child is gone");
		}
	}

	long pid() {
		return this.process.pid();
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
