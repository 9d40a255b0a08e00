package dev.ceramic.channel;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import org.jspecify.annotations.Nullable;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * A child's end of its channel: the socket that {@code Proc} gave it as standard input.
 *
 * <p>
 * Loading junixsocket takes a child JVM 40 to 60 ms (its native library, a few hundred
 * classes, and method handles spun on the spot), a third of a child's start-up. Most of
 * what a channel does needs none of it: a write without descriptors, and a read without a
 * timeout on a channel that takes no descriptors, are plain {@code read(2)} and
 * {@code write(2)} on descriptor 0, which {@code java.io} does as well. So this socket
 * starts on {@code java.io} while a background thread loads junixsocket, and hands
 * everything to junixsocket once that is done. Until then, what needs junixsocket waits
 * for it:
 *
 * <ul>
 * <li>a read with a timeout ({@code SO_RCVTIMEO});</li>
 * <li>every read of a channel that may receive descriptors, since a plain read would drop
 * them;</li>
 * <li>a write that carries descriptors;</li>
 * <li>{@link #close()}, whose {@code shutdown(2)} is what wakes this process's threads
 * that are blocked on the socket.</li>
 * </ul>
 *
 * A child's first message so leaves as soon as its entry class sends it.
 */
final class StandardInputSocket implements ChannelSocket {

	private final FileInputStream plainIn = new FileInputStream(FileDescriptor.in);

	private final FileOutputStream plainOut = new FileOutputStream(FileDescriptor.in);

	private final int maxFileDescriptors;

	private final FutureTask<UnixSocket> takeover;

	/** Set once junixsocket has taken over; from then on only it touches the socket. */
	private volatile @Nullable UnixSocket unix;

	StandardInputSocket(int maxFileDescriptors) {
		this.maxFileDescriptors = maxFileDescriptors;
		this.takeover = new FutureTask<>(this::takeOver);
		Thread thread = new Thread(this.takeover, "ceramic-channel-takeover");
		thread.setDaemon(true);
		thread.start();
	}

	private UnixSocket takeOver() throws IOException {
		try {
			AFUNIXSocket socket = FileDescriptorCast.using(FileDescriptor.in).as(AFUNIXSocket.class);
			UnixSocket taken = new UnixSocket(socket, this.maxFileDescriptors);
			this.unix = taken;
			return taken;
		}
		catch (IOException | RuntimeException | LinkageError ex) {
			// Said here as well, because the channel reports it only when it needs
			// junixsocket, which may be much later.
			System.err.println("ceramic: junixsocket could not take over this child's channel: " + ex);
			throw ex;
		}
	}

	@Override
	public int read(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException {
		UnixSocket socket = this.unix;
		if (socket == null && (timeoutMillis > 0 || this.maxFileDescriptors > 0)) {
			socket = awaitTakeover();
		}
		return (socket != null) ? socket.read(buffer, offset, length, timeoutMillis)
				: this.plainIn.read(buffer, offset, length);
	}

	@Override
	public int available() throws IOException {
		UnixSocket socket = this.unix;
		// FIONREAD, either way.
		return (socket != null) ? socket.available() : this.plainIn.available();
	}

	@Override
	public void write(byte[] buffer, int offset, int length, FileDescriptor[] fds) throws IOException {
		UnixSocket socket = this.unix;
		if (socket == null && fds.length > 0) {
			socket = awaitTakeover();
		}
		if (socket != null) {
			socket.write(buffer, offset, length, fds);
		}
		else {
			this.plainOut.write(buffer, offset, length);
		}
	}

	@Override
	public FileDescriptor @Nullable [] takeReceivedFileDescriptors() throws IOException {
		UnixSocket socket = this.unix;
		// Plain reads happen only on a channel that takes no descriptors.
		return (socket != null) ? socket.takeReceivedFileDescriptors() : null;
	}

	@Override
	public void close() {
		try {
			awaitTakeover().close();
		}
		catch (IOException ex) {
			// Without junixsocket there is no shutdown(2); closing the descriptor still
			// tells the peer.
			Descriptors.closeQuietly(FileDescriptor.in);
		}
	}

	/** Wait for junixsocket, which takes tens of milliseconds at most once. */
	private UnixSocket awaitTakeover() throws IOException {
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return this.takeover.get();
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
				catch (ExecutionException ex) {
					throw new TakeoverFailedException(ex.getCause());
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** junixsocket could not take the channel over, so what needs it cannot be done. */
	static final class TakeoverFailedException extends IOException {

		private static final long serialVersionUID = 1L;

		TakeoverFailedException(@Nullable Throwable cause) {
			super("junixsocket could not take over this child's channel on standard input (" + cause
					+ "), so timeouts, descriptor passing and close cannot work; is junixsocket's native library loadable here?",
					cause);
		}

	}

}
