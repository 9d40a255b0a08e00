package dev.ceramic.channel;

import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.ceramic.platform.Platform;
import org.jspecify.annotations.Nullable;
import org.newsclub.net.unix.AFUNIXSocket;

/**
 * One end of a synchronous, unbuffered channel over an AF_UNIX socketpair, with Go's
 * {@code chan(0)} semantics.
 *
 * <ul>
 * <li>{@link #send(byte[])} blocks until the peer's {@link #recv()} has taken the
 * message, and {@code recv} blocks until the peer sends. Both ends may send and
 * receive.</li>
 * <li>Several threads may use one end. Sends are served one at a time in arrival order,
 * and so are receives; a send and a receive may be under way on the same end at
 * once.</li>
 * <li>{@link #close()} on either end wakes every blocked call on both ends with a
 * {@link ChannelClosedException}, including a send still waiting for its receiver. Every
 * call after that fails at once with a {@code ChannelClosedException}: that is the one
 * way the end of a channel is reported, whichever side closed.</li>
 * <li>When the process holding the other end dies, blocked calls fail within milliseconds
 * with a {@link ChannelClosedException} whose reason is
 * {@link ChannelClosedException.Reason#PEER_GONE PEER_GONE}.</li>
 * <li>When both ends are blocked in {@code send} and neither has a thread in
 * {@code recv}, both sends fail with a {@link DeadlockException} instead of hanging for
 * ever.</li>
 * </ul>
 *
 * <p>
 * Acknowledgements are delayed as TCP's are. The receiver of a message whose sender waits
 * without a deadline acknowledges it with the next frame it writes anyway (typically its
 * reply), or on its next {@code recv}, whichever comes first; if it does neither, a
 * background flusher writes the acknowledgement on its own, about 1 ms after the message
 * was taken and at the latest 33 ms after. A request and its reply so cost one write and
 * one wake-up each way, as a bare socket ping-pong does, instead of two. Such a
 * {@code send} still returns only once the peer has taken the message; it may learn so
 * that much later. A send with a timeout is acknowledged at once, so that its timeout
 * means what it says, except for {@link #sendRequest(byte[], Duration)}: a request with a
 * timeout, acknowledged as late as an untimed send, which closes the channel when its
 * timeout fires.
 *
 * <p>
 * A channel has no thread of its own. A thread that waits (a sender for its
 * acknowledgement, a receiver for a message) reads the socket itself when no other thread
 * is reading, and hands over whatever it reads that belongs to another waiting thread.
 * One daemon thread per process writes the acknowledgements that were held back too long.
 * A single-threaded request/response exchange therefore costs no thread hand-off at all.
 *
 * <p>
 * Create a pair with {@link #open()}: the returned end is yours, and its
 * {@link #peerEnd()} is for another thread or, through {@code Proc.start}, a child
 * process.
 *
 * <p>
 * This class is the channel's public face: it checks arguments, turns timeouts into
 * deadlines, and serves the threads of each direction one at a time. The state machine
 * behind it is {@code Rendezvous}, with the classes around it (see the package
 * documentation).
 */
public final class Chan implements AutoCloseable {

	static {
		// A virtual thread is pinned while it initializes a class, or waits for another
		// thread to. Two pool callers whose first recv timeouts come at once would both
		// initialize this exception; do it with the channel instead.
		try {
			MethodHandles.lookup().ensureInitialized(ChannelTimeoutException.class);
		}
		catch (IllegalAccessException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final ChanOptions options;

	private final Rendezvous rendezvous;

	private final ReentrantLock sendTurn = new ReentrantLock(true);

	private final ReentrantLock recvTurn = new ReentrantLock(true);

	private Chan(ChannelSocket socket, @Nullable AFUNIXSocket peer, boolean arbiter, ChanOptions options, String name) {
		this.options = options;
		this.rendezvous = new Rendezvous(socket, peer, arbiter, options, name);
	}

	/**
	 * Open a channel with the default options.
	 * @return this process's end; the other end is {@link #peerEnd()}
	 * @throws ChannelSetupException if the socketpair cannot be created
	 */
	public static Chan open() {
		return open(ChanOptions.defaults());
	}

	/**
	 * Open a channel.
	 * @param options the options of both ends
	 * @return this process's end; the other end is {@link #peerEnd()}
	 * @throws ChannelSetupException if the socketpair cannot be created
	 */
	public static Chan open(ChanOptions options) {
		try {
			AFUNIXSocket[] pair = SocketPair.connected();
			return new Chan(new UnixSocket(pair[0], options.maxFileDescriptors()), pair[1], true, options, "chan");
		}
		catch (IOException ex) {
			throw new ChannelSetupException("Could not create an AF_UNIX socketpair: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Return the channel end that a child process started by {@code Proc} was given as
	 * its standard input. The standard input stream is replaced by an empty one, so that
	 * no code in the child can read the channel's bytes by accident.
	 *
	 * <p>
	 * The end is usable at once: junixsocket, which timeouts, descriptor passing and
	 * close need, loads in the background, and only those wait for it (see
	 * {@code StandardInputSocket}).
	 * @param options the options, which must match the parent's
	 * @return the child's end
	 * @throws ChannelSetupException if standard input is not a socket (checked where
	 * {@link Platform.Capability#DESCRIPTOR_INSPECTION} is supported; elsewhere the first
	 * call that needs junixsocket fails)
	 */
	public static Chan fromStandardInput(ChanOptions options) {
		Platform.describeStandardInput().ifPresent((target) -> {
			if (!target.startsWith("socket:")) {
				throw new ChannelSetupException("Standard input is " + target
						+ ", not the AF_UNIX socket of a ceramic channel; was this process started by Proc?");
			}
		});
		System.setIn(new ByteArrayInputStream(new byte[0]));
		return new Chan(new StandardInputSocket(options.maxFileDescriptors()), null, false, options, "chan");
	}

	/**
	 * Take the other end of a channel made by {@link #open()}, to use from another
	 * thread.
	 * @return the other end
	 * @throws IllegalStateException if it was already taken or handed to a process
	 */
	public Chan peerEnd() {
		return peerEnd(this.options);
	}

	/**
	 * Take the other end of a channel made by {@link #open()} with its own options.
	 * @param options the options of the other end
	 * @return the other end
	 * @throws IllegalStateException if it was already taken or handed to a process
	 */
	public Chan peerEnd(ChanOptions options) {
		AFUNIXSocket theirs = detachPeerSocket();
		try {
			return new Chan(new UnixSocket(theirs, options.maxFileDescriptors()), null, !this.rendezvous.isArbiter(),
					options, "peer");
		}
		catch (IOException ex) {
			throw new ChannelSetupException("Could not use the peer end: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Take the other end of a channel made by {@link #open()}, to give to a child process
	 * as its standard input. This is how {@code Proc} launches a child; applications call
	 * {@link #peerEnd()} instead.
	 * @return the other end, which the caller now owns
	 * @throws IllegalStateException if it was already taken
	 */
	public ChildEnd takeChildEnd() {
		return new ChildEnd(detachPeerSocket());
	}

	/** Take the socket of the other end; the caller owns it. */
	AFUNIXSocket detachPeerSocket() {
		return this.rendezvous.detachPeer();
	}

	/**
	 * Return the options of this end.
	 * @return the options
	 */
	public ChanOptions options() {
		return this.options;
	}

	/**
	 * Whether this end is still open: neither end closed it and the peer is not gone.
	 * @return whether the channel is open
	 */
	public boolean isOpen() {
		return this.rendezvous.isOpen();
	}

	/**
	 * Send a message and wait until the peer's {@code recv} has taken it.
	 * @param message the message
	 * @throws ChannelClosedException if the channel is or becomes closed
	 * @throws DeadlockException if the peer is blocked sending too and neither end
	 * receives
	 * @throws FrameTooLargeException if the message is over the maximum frame size
	 */
	public void send(byte[] message) {
		send(message, Frame.NO_FDS, null, true);
	}

	/**
	 * Send a message and wait at most {@code timeout} for the peer to take it. When the
	 * timeout fires the message is withdrawn: a peer that has not taken it yet never
	 * will, and the channel stays open for the next call. A timeout can only be declared
	 * from this side, so a peer whose {@code recv} took the message in the same instant
	 * still has it.
	 * @param message the message
	 * @param timeout how long to wait for the peer
	 * @throws ChannelTimeoutException if the peer did not take the message in time
	 * @throws ChannelClosedException if the channel is or becomes closed
	 * @throws DeadlockException if the peer is blocked sending too and neither end
	 * receives
	 */
	public void send(byte[] message, Duration timeout) {
		send(message, Frame.NO_FDS, timeout, false);
	}

	/**
	 * Send a request, to which the peer will reply, and wait at most {@code timeout} for
	 * the peer to take it. Unlike {@link #send(byte[], Duration)}, the peer may hold its
	 * acknowledgement back and send it together with its next frame (typically the
	 * reply), as it does for {@link #send(byte[])}: a request and its reply cost one
	 * frame each way instead of two.
	 *
	 * <p>
	 * The price is that such a message cannot be withdrawn: the peer may already have
	 * taken it and be working on it without having said so. When the timeout fires, the
	 * channel is therefore closed (the peer sees it closed), and this method throws a
	 * {@link ChannelTimeoutException}. Use it where a timeout ends the conversation
	 * anyway.
	 *
	 * <p>
	 * A peer that dies after taking the message but before its acknowledgement went out
	 * is reported as gone, just as one that died before taking it: a caller that must
	 * tell the two apart needs the peer to record that it took the message elsewhere.
	 * @param message the message
	 * @param timeout how long to wait for the peer to take it
	 * @throws ChannelTimeoutException if the peer did not take the message in time; the
	 * channel was closed, unless the message had not been sent yet (another thread's send
	 * held the channel for the whole timeout)
	 * @throws ChannelClosedException if the channel is or becomes closed
	 * @throws DeadlockException if the peer is blocked sending too and neither end
	 * receives
	 * @throws FrameTooLargeException if the message is over the maximum frame size
	 */
	public void sendRequest(byte[] message, Duration timeout) {
		send(message, Frame.NO_FDS, timeout, true);
	}

	/**
	 * Send a message with file descriptors ({@code SCM_RIGHTS}), and wait at most
	 * {@code timeout} for the peer to take it, as {@link #send(byte[], Duration)} does.
	 * The peer gets its own copies of the descriptors; this process keeps its own and may
	 * close them once the call returns.
	 * @param message the message
	 * @param timeout how long to wait for the peer
	 * @param fds the descriptors to pass
	 */
	public void send(byte[] message, Duration timeout, FileDescriptor... fds) {
		checkDescriptorCount(fds);
		send(message, fds, timeout, false);
	}

	/**
	 * Send a request with file descriptors ({@code SCM_RIGHTS}), as
	 * {@link #sendRequest(byte[], Duration)} does. The peer gets its own copies of the
	 * descriptors; this process keeps its own and may close them once the call returns.
	 * @param message the message
	 * @param timeout how long to wait for the peer to take it
	 * @param fds the descriptors to pass
	 */
	public void sendRequest(byte[] message, Duration timeout, FileDescriptor... fds) {
		checkDescriptorCount(fds);
		send(message, fds, timeout, true);
	}

	private void checkDescriptorCount(FileDescriptor[] fds) {
		if (fds.length > this.options.maxFileDescriptors()) {
			throw new IllegalArgumentException("A message may carry at most " + this.options.maxFileDescriptors()
					+ " file descriptors, but " + fds.length + " were given");
		}
	}

	/**
	 * Send a message with file descriptors ({@code SCM_RIGHTS}), and wait until the peer
	 * has taken it. The peer gets its own copies of the descriptors; this process keeps
	 * its own and may close them once the call returns.
	 * @param message the message
	 * @param fds the descriptors to pass
	 */
	public void sendWithFds(byte[] message, FileDescriptor... fds) {
		checkDescriptorCount(fds);
		send(message, fds, null, true);
	}

	/**
	 * Wait for a message. File descriptors that travelled with it are closed: use
	 * {@link #recvWithFds()} to keep them.
	 * @return the message
	 * @throws ChannelClosedException if the channel is or becomes closed
	 */
	public byte[] recv() {
		Frame message = receive(null);
		Descriptors.closeQuietly(message.fds());
		return message.payload();
	}

	/**
	 * Wait at most {@code timeout} for a message. When the timeout fires nothing was
	 * consumed and the channel stays open.
	 * @param timeout how long to wait
	 * @return the message
	 * @throws ChannelTimeoutException if no message came in time
	 * @throws ChannelClosedException if the channel is or becomes closed
	 */
	public byte[] recv(Duration timeout) {
		Frame message = receive(timeout);
		Descriptors.closeQuietly(message.fds());
		return message.payload();
	}

	/**
	 * Wait for a message and the file descriptors that travelled with it.
	 * @return the message and its descriptors, which the caller must close
	 */
	public Received recvWithFds() {
		Frame message = receive(null);
		return new Received(message.payload(), message.fds());
	}

	/**
	 * Wait at most {@code timeout} for a message and the file descriptors that travelled
	 * with it.
	 * @param timeout how long to wait
	 * @return the message and its descriptors, which the caller must close
	 */
	public Received recvWithFds(Duration timeout) {
		Frame message = receive(timeout);
		return new Received(message.payload(), message.fds());
	}

	/**
	 * Close this end. Every blocked call on both ends fails with a
	 * {@link ChannelClosedException}, and so does every later call. Closing twice is
	 * harmless.
	 */
	@Override
	public void close() {
		this.rendezvous.close(new ChannelClosedException(ChannelClosedException.Reason.CLOSED_HERE,
				"The channel was closed by this end"));
	}

	@Override
	public String toString() {
		return this.rendezvous.toString();
	}

	private void send(byte[] message, FileDescriptor[] fds, @Nullable Duration timeout, boolean delayedAck) {
		if (message.length > this.options.maxFrameSize()) {
			throw new FrameTooLargeException(
					"Cannot send " + message.length + " bytes: the channel's maximum frame size is "
							+ this.options.maxFrameSize() + " bytes; raise ChanOptions.maxFrameSize on both ends");
		}
		long deadline = Deadlines.deadline(timeout);
		acquireTurn(this.sendTurn, deadline, "send");
		try {
			this.rendezvous.send(message, fds, deadline, delayedAck);
		}
		finally {
			this.sendTurn.unlock();
		}
	}

	private Frame receive(@Nullable Duration timeout) {
		long deadline = Deadlines.deadline(timeout);
		acquireTurn(this.recvTurn, deadline, "recv");
		try {
			return this.rendezvous.receive(deadline);
		}
		finally {
			this.recvTurn.unlock();
		}
	}

	private void acquireTurn(ReentrantLock turn, long deadline, String operation) {
		try {
			if (deadline == Deadlines.NONE) {
				turn.lockInterruptibly();
			}
			else if (!turn.tryLock(Math.max(0, Deadlines.remaining(deadline)), TimeUnit.NANOSECONDS)) {
				throw new ChannelTimeoutException("Timed out waiting for other threads' " + operation + " calls on "
						+ this + " to finish; nothing was sent or consumed");
			}
		}
		catch (InterruptedException ex) {
			throw ChannelInterruptedException.after("waiting to " + operation + " on " + this, ex);
		}
	}

}
