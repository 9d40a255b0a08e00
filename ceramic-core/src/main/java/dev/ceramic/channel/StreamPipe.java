package dev.ceramic.channel;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.newsclub.net.unix.AFUNIXSocket;

/**
 * A caller's {@link InputStream} made into a descriptor another process can read: a fresh
 * socketpair, one end of which a pump thread fills from the stream while the other end's
 * descriptor is handed over (with {@code SCM_RIGHTS}) to the reader, who sees plain
 * end-of-file once the stream ends. The receiver holds only a socket buffer's worth at a
 * time, whatever the stream's length.
 *
 * <p>
 * Reads from the source ask for at most {@link #PIECE} bytes, since junixsocket's stream
 * costs grow with what is asked for, not with what arrives. A failure of the source is
 * the caller's, not the reader's: the pump notes it ({@link #sourceFailure}) and ends the
 * stream, and the caller fails its call with it whatever the reader answered. A reader
 * that closes its end early stops the pump (the next write fails with {@code EPIPE},
 * which the JVM turns into an {@code IOException}); that is no failure.
 */
public final class StreamPipe implements AutoCloseable {

	/** The most the pump reads from the source, and writes, at a time: 256 KiB. */
	public static final int PIECE = 256 * 1024;

	private final AFUNIXSocket writeEnd;

	private final AFUNIXSocket readEnd;

	private final Thread pump;

	private volatile @Nullable IOException sourceFailure;

	private volatile boolean readerGone;

	private volatile long pumped;

	private StreamPipe(AFUNIXSocket writeEnd, AFUNIXSocket readEnd, InputStream source, String what) {
		this.writeEnd = writeEnd;
		this.readEnd = readEnd;
		this.pump = new Thread(() -> pump(source), "ceramic-stream-pump " + what);
		this.pump.setDaemon(true);
	}

	/**
	 * Start pumping a stream into a fresh socketpair.
	 * @param source the stream, which the pump reads to its end but does not close
	 * @param what what to call the stream in the pump thread's name, such as a method and
	 * argument
	 * @return the pipe, whose {@link #readEnd read end} goes to the reader
	 * @throws IOException if the socketpair cannot be made
	 */
	public static StreamPipe pumping(InputStream source, String what) throws IOException {
		StreamPipe pipe = open(source, what);
		pipe.start();
		return pipe;
	}

	/**
	 * Make the socketpair for a stream, without reading from the stream yet: so that a
	 * read end that never reaches its reader leaves the stream untouched.
	 * @param source the stream, which the pump reads to its end but does not close
	 * @param what what to call the stream in the pump thread's name
	 * @return the pipe, whose pump {@link #start() starts} once its read end was sent
	 * @throws IOException if the socketpair cannot be made
	 */
	public static StreamPipe open(InputStream source, String what) throws IOException {
		AFUNIXSocket[] pair = SocketPair.connected();
		return new StreamPipe(pair[0], pair[1], source, what);
	}

	/** Start pumping the stream into the pipe. */
	public void start() {
		this.pump.start();
	}

	/**
	 * The read end's descriptor, to send to the reader. This pipe keeps owning it (and
	 * the socket around it, whose cleaner would otherwise close it) until
	 * {@link #releaseReadEnd()} or {@link #close()}.
	 * @return the read end's descriptor
	 */
	public FileDescriptor readEnd() {
		try {
			return this.readEnd.getFileDescriptor();
		}
		catch (IOException ex) {
			throw new IllegalStateException("The read end of a socketpair has no descriptor", ex);
		}
	}

	/**
	 * Close this process's copy of the read end, once it was sent: through a stream, not
	 * junixsocket's close(), which would shut the connection down for the reader too.
	 * Harmless when the copy is already closed.
	 */
	public void releaseReadEnd() {
		Descriptors.closeQuietly(readEnd());
	}

	/**
	 * Read a read end that was sent here as a plain stream. Not a bare
	 * {@link FileInputStream}, whose bulk reads on some JDKs ask the descriptor for its
	 * size and position, which a socket has not.
	 * @param readEnd the descriptor, which the stream owns and closes
	 * @return the stream
	 */
	public static InputStream reading(FileDescriptor readEnd) {
		return new FilterInputStream(new FileInputStream(readEnd)) {
		};
	}

	private void pump(InputStream source) {
		byte[] piece = new byte[PIECE];
		try (OutputStream out = this.writeEnd.getOutputStream()) {
			while (true) {
				int n;
				try {
					n = source.read(piece, 0, PIECE);
				}
				catch (IOException ex) {
					this.sourceFailure = ex;
					return;
				}
				if (n < 0) {
					return;
				}
				try {
					out.write(piece, 0, n);
				}
				catch (IOException ex) {
					this.readerGone = true;
					return;
				}
				this.pumped += n;
			}
		}
		catch (IOException ex) {
			// Closing the write end failed: the reader has seen its end either way.
		}
		finally {
			closeQuietly(this.writeEnd);
		}
	}

	private static void closeQuietly(AFUNIXSocket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Nothing useful to do: the socket is closed either way.
		}
	}

	/**
	 * Wait for the pump to end.
	 * @param timeout the longest to wait
	 * @return whether it ended
	 * @throws InterruptedException if interrupted while waiting
	 */
	public boolean awaitPumped(Duration timeout) throws InterruptedException {
		this.pump.join(Math.max(1, timeout.toMillis()));
		return !this.pump.isAlive();
	}

	/**
	 * The failure of the source stream, if it failed: the caller's fault, not the
	 * reader's.
	 */
	public Optional<IOException> sourceFailure() {
		return Optional.ofNullable(this.sourceFailure);
	}

	/** Whether the reader closed its end before the stream ended. */
	public boolean readerClosedEarly() {
		return this.readerGone;
	}

	/** The bytes written to the reader so far. */
	public long pumped() {
		return this.pumped;
	}

	/**
	 * Close both ends still held here; a pump blocked on a full socket buffer then fails
	 * its write and ends.
	 */
	@Override
	public void close() {
		releaseReadEnd();
		if (this.pump.isAlive()) {
			try {
				this.writeEnd.shutdownOutput();
			}
			catch (IOException ex) {
				// Already shut, or closed by the pump as it ended.
			}
		}
	}

}
