package dev.ceramic.channel;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.newsclub.net.unix.AFSocket;
import org.newsclub.net.unix.AFSocketCapability;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

/**
 * One end of a synchronous, unbuffered channel over an AF_UNIX socketpair: the Java form
 * of the ceramic seed's {@code Chan}, with Go's {@code chan(0)} semantics.
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
 * with a {@link PeerGoneException}.</li>
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
 */
public final class Chan implements AutoCloseable {

	private static final int NO_SEQ = 0;

	// A CLOSE frame is written only when it cannot block: a close must never hang. When a
	// large message of ours may still sit unread in the socket, the peer sees
	// end-of-stream instead.
	private static final int CLOSE_FRAME_SAFE_BACKLOG = 64 * 1024;

	private static final long CLOSE_WRITE_PATIENCE_MILLIS = 50;

	private static final long READ_SLICE_MILLIS = 100;

	/**
	 * Larger message frames are encoded into a fresh array: their copy costs more than
	 * the allocation, and a channel should not keep a large buffer for one large message.
	 */
	private static final int WRITE_BUFFER_MAX = 64 * 1024;

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

	private final ChannelSocket socket;

	private final FrameReader reader;

	private final ChanOptions options;

	/** The arbiter is the end that decides whether both ends are deadlocked. */
	private final boolean arbiter;

	private final String name;

	private final ReentrantLock sendTurn = new ReentrantLock(true);

	private final ReentrantLock recvTurn = new ReentrantLock(true);

	private final ReentrantLock writeLock = new ReentrantLock();

	/**
	 * Where message frames up to {@link #WRITE_BUFFER_MAX} bytes are encoded, guarded by
	 * writeLock. A fresh frame per send streams new memory through the CPU caches, which
	 * at 1 KiB cost more than the copy.
	 */
	private byte[] writeBuffer = new byte[256];

	/**
	 * The control frames a send queues while it holds the lock, to write once it lets go;
	 * used only by the thread whose turn it is to send. Kept, not made per call: a round
	 * trip's garbage is memory streamed through the CPU caches.
	 */
	private final List<byte[]> sendReplies = new ArrayList<>(2);

	/** As {@link #sendReplies}, for the thread whose turn it is to receive. */
	private final List<byte[]> recvReplies = new ArrayList<>(2);

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	// Everything below is guarded by lock.

	private @Nullable ChannelException closedBy;

	private boolean reading;

	private int lastSeq;

	private int pendingSeq = NO_SEQ;

	private Outcome pendingOutcome = Outcome.NONE;

	private int unacknowledgedBytes;

	private @Nullable Frame incoming;

	private boolean receiverWaiting;

	/** The message whose acknowledgement this end holds back, or NO_SEQ. */
	private int delayedAckSeq = NO_SEQ;

	private long delayedAckSince;

	private boolean watchedByFlusher;

	/**
	 * The follower's open question to the arbiter; while it is open, incoming is frozen.
	 */
	private @Nullable Frame probe;

	private @Nullable AFUNIXSocket peer;

	private Chan(ChannelSocket socket, @Nullable AFUNIXSocket peer, boolean arbiter, ChanOptions options, String name) {
		this.socket = socket;
		this.peer = peer;
		this.arbiter = arbiter;
		this.options = options;
		this.name = name;
		this.reader = new FrameReader(socket, options.maxFrameSize(), options.maxFileDescriptors(),
				options.spinBeforeBlocking().toNanos());
	}

	/**
	 * Open a channel with the default options.
	 * @return this process's end; the other end is {@link #peerEnd()}
	 * @throws ChannelException if the socketpair cannot be created
	 */
	public static Chan open() {
		return open(ChanOptions.defaults());
	}

	/**
	 * Open a channel.
	 * @param options the options of both ends
	 * @return this process's end; the other end is {@link #peerEnd()}
	 * @throws ChannelException if the socketpair cannot be created
	 */
	public static Chan open(ChanOptions options) {
		try {
			AFUNIXSocket[] pair = connectedPair();
			return new Chan(new UnixSocket(pair[0], options.maxFileDescriptors()), pair[1], true, options, "chan");
		}
		catch (IOException ex) {
			throw new ChannelException("Could not create an AF_UNIX socketpair: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Return two AF_UNIX stream sockets connected to each other. Not through
	 * junixsocket's {@code AFUNIXSocketPair.open()} where it can be helped: that leaks
	 * two descriptors each call (it opens two sockets, then overwrites their descriptors
	 * with the socketpair's without closing them), so a pool would leak two for every
	 * worker it starts. Where the abstract namespace exists (Linux), the pair is made
	 * through a one-off listener there instead: no file, a random name, and only a
	 * connection from this process is taken.
	 */
	private static AFUNIXSocket[] connectedPair() throws IOException {
		if (!AFSocket.supports(AFSocketCapability.CAPABILITY_ABSTRACT_NAMESPACE)) {
			AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
			return new AFUNIXSocket[] { (AFUNIXSocket) pair.getSocket1().socket(),
					(AFUNIXSocket) pair.getSocket2().socket() };
		}
		AFUNIXSocketAddress address = AFUNIXSocketAddress.inAbstractNamespace("ceramic-chan-" + UUID.randomUUID());
		long self = ProcessHandle.current().pid();
		try (AFUNIXServerSocket listener = AFUNIXServerSocket.bindOn(address)) {
			AFUNIXSocket mine = AFUNIXSocket.connectTo(address);
			try {
				for (int attempt = 0; attempt < 8; attempt++) {
					AFUNIXSocket theirs = listener.accept();
					if (theirs.getPeerCredentials().getPid() == self) {
						return new AFUNIXSocket[] { mine, theirs };
					}
					// Another process connected to the name first.
					theirs.close();
				}
				throw new IOException("other processes kept connecting to the listener at " + address);
			}
			catch (IOException | RuntimeException ex) {
				mine.close();
				throw ex;
			}
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
	 * @throws ChannelException if standard input is not a socket (checked where Linux's
	 * {@code /proc} tells; elsewhere the first call that needs junixsocket fails)
	 */
	public static Chan fromStandardInput(ChanOptions options) {
		requireSocketOnStandardInput();
		System.setIn(new ByteArrayInputStream(new byte[0]));
		return new Chan(new StandardInputSocket(options.maxFileDescriptors()), null, false, options, "chan");
	}

	/**
	 * Fail early when standard input is not a socket, as far as Linux's /proc can tell:
	 * the channel itself finds out only once junixsocket has loaded.
	 */
	private static void requireSocketOnStandardInput() {
		String target;
		try {
			target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
		}
		catch (IOException | UnsupportedOperationException ex) {
			return; // No /proc here: junixsocket will tell.
		}
		if (!target.startsWith("socket:")) {
			throw new ChannelException("Standard input is " + target
					+ ", not the AF_UNIX socket of a ceramic channel; was this process started by Proc?");
		}
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
			return new Chan(new UnixSocket(theirs, options.maxFileDescriptors()), null, !this.arbiter, options, "peer");
		}
		catch (IOException ex) {
			throw new ChannelException("Could not use the peer end: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Take the socket of the other end, to hand it to a child process. This is how
	 * {@code Proc} launches a child; applications call {@link #peerEnd()} instead.
	 * @return the socket of the other end, which the caller now owns
	 * @throws IllegalStateException if it was already taken
	 */
	public AFUNIXSocket detachPeerSocket() {
		this.lock.lock();
		try {
			AFUNIXSocket theirs = this.peer;
			if (theirs == null) {
				throw new IllegalStateException("The peer end of this channel was already taken; "
						+ "a channel connects exactly two ends, so open a new one with Chan.open()");
			}
			this.peer = null;
			return theirs;
		}
		finally {
			this.lock.unlock();
		}
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
		this.lock.lock();
		try {
			return this.closedBy == null;
		}
		finally {
			this.lock.unlock();
		}
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
	 * Send a message with file descriptors ({@code SCM_RIGHTS}), and wait until the peer
	 * has taken it. The peer gets its own copies of the descriptors; this process keeps
	 * its own and may close them once the call returns.
	 * @param message the message
	 * @param fds the descriptors to pass
	 */
	public void sendWithFds(byte[] message, FileDescriptor... fds) {
		if (fds.length > this.options.maxFileDescriptors()) {
			throw new IllegalArgumentException("A message may carry at most " + this.options.maxFileDescriptors()
					+ " file descriptors, but " + fds.length + " were given");
		}
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
		close(new ChannelClosedException(ChannelClosedException.Reason.CLOSED_HERE,
				"The channel was closed by this end"));
	}

	/** Close this end; {@code reason} is what later calls on this end report. */
	private void close(ChannelClosedException reason) {
		boolean wasOpen;
		boolean safeToSignal;
		AFUNIXSocket unclaimedPeer;
		int heldAck;
		this.lock.lock();
		try {
			wasOpen = this.closedBy == null;
			heldAck = takeDelayedAck();
			if (wasOpen) {
				this.closedBy = reason;
				dropIncoming();
				this.changed.signalAll();
			}
			safeToSignal = this.unacknowledgedBytes < CLOSE_FRAME_SAFE_BACKLOG;
			unclaimedPeer = this.peer;
			this.peer = null;
		}
		finally {
			this.lock.unlock();
		}
		if (wasOpen && safeToSignal && tryLockBriefly(this.writeLock)) {
			try {
				// A message taken here was taken: the peer's send succeeds before it
				// sees the close.
				if (heldAck != NO_SEQ) {
					byte[] ack = Frame.control(Frame.ACK, heldAck, 0);
					this.socket.write(ack, 0, ack.length, Frame.NO_FDS);
				}
				byte[] close = Frame.control(Frame.CLOSE, NO_SEQ, 0);
				this.socket.write(close, 0, close.length, Frame.NO_FDS);
			}
			catch (IOException ex) {
				// The peer is already gone; there is nobody left to tell.
			}
			finally {
				this.writeLock.unlock();
			}
		}
		this.socket.close();
		if (unclaimedPeer != null) {
			closeSocket(unclaimedPeer);
		}
	}

	@Override
	public String toString() {
		return "Chan[" + this.name + (isOpen() ? ", open]" : ", closed]");
	}

	/**
	 * Send a message. A message sent with {@code delayedAck} may be acknowledged with the
	 * peer's next frame, and cannot be withdrawn: if it has a timeout and that fires, the
	 * channel is closed.
	 */
	private void send(byte[] message, FileDescriptor[] fds, @Nullable Duration timeout, boolean delayedAck) {
		if (message.length > this.options.maxFrameSize()) {
			throw new FrameTooLargeException(
					"Cannot send " + message.length + " bytes: the channel's maximum frame size is "
							+ this.options.maxFrameSize() + " bytes; raise ChanOptions.maxFrameSize on both ends");
		}
		long deadline = deadline(timeout);
		acquireTurn(this.sendTurn, deadline, "send");
		try {
			int seq;
			// The write lock first, so that an acknowledgement taken for this frame
			// cannot be overtaken by one the flusher writes.
			this.writeLock.lock();
			try {
				int heldAck;
				this.lock.lock();
				try {
					throwIfClosed();
					seq = nextSeq();
					this.pendingSeq = seq;
					this.pendingOutcome = Outcome.PENDING;
					this.unacknowledgedBytes = message.length;
					heldAck = takeDelayedAck();
				}
				finally {
					this.lock.unlock();
				}
				if (heldAck != NO_SEQ && fds.length > 0) {
					// Descriptors go with the first byte of a write: keep them on their
					// own message.
					write(Frame.control(Frame.ACK, heldAck, 0), Frame.NO_FDS);
					heldAck = NO_SEQ;
				}
				byte type = delayedAck ? Frame.DATA_DELAYED_ACK : Frame.DATA;
				writeData(type, seq, fds, message, heldAck);
			}
			catch (ChannelException ex) {
				endPendingSend();
				throw ex;
			}
			finally {
				this.writeLock.unlock();
			}
			awaitOutcome(seq, deadline, !delayedAck);
		}
		finally {
			this.sendTurn.unlock();
		}
	}

	private void awaitOutcome(int seq, long deadline, boolean withdrawable) {
		List<byte[]> replies = this.sendReplies;
		replies.clear();
		this.lock.lock();
		try {
			probeIfStuck(replies);
			while (true) {
				flush(replies);
				if (this.pendingOutcome == Outcome.ACKNOWLEDGED) {
					endPendingSendLocked();
					return;
				}
				if (this.pendingOutcome == Outcome.DEADLOCKED) {
					endPendingSendLocked();
					throw new DeadlockException("Deadlock: both ends of " + this
							+ " were blocked in send with no receiver on either end; neither message was delivered");
				}
				if (this.closedBy != null) {
					endPendingSendLocked();
					throwIfClosed();
				}
				long remaining = remaining(deadline);
				if (remaining <= 0 && !withdrawable) {
					endPendingSendLocked();
					break;
				}
				if (remaining <= 0) {
					endPendingSendLocked();
					replies.add(Frame.control(Frame.CANCEL, seq, 0));
					flush(replies);
					throw new ChannelTimeoutException("The peer did not receive the message within the timeout; "
							+ "the message was withdrawn and the channel is still open");
				}
				waitOrRead(remaining, replies);
			}
		}
		finally {
			this.lock.unlock();
		}
		// The peer may have taken the message and be working on it without having said
		// so: only closing the channel ends that for certain.
		String message = "The peer did not acknowledge the request within the timeout; "
				+ "a request cannot be withdrawn, so the channel was closed";
		close(new ChannelClosedException(ChannelClosedException.Reason.CLOSED_HERE, message));
		throw new ChannelTimeoutException(message);
	}

	private Frame receive(@Nullable Duration timeout) {
		long deadline = deadline(timeout);
		acquireTurn(this.recvTurn, deadline, "recv");
		List<byte[]> replies = this.recvReplies;
		replies.clear();
		try {
			this.lock.lock();
			try {
				this.receiverWaiting = true;
				int heldAck = takeDelayedAck();
				if (heldAck != NO_SEQ) {
					// This end will not write a frame before it has the next message.
					replies.add(Frame.control(Frame.ACK, heldAck, 0));
				}
				boolean readItMyself = false;
				while (true) {
					flush(replies);
					throwIfClosed();
					Frame message = this.incoming;
					if (message != null && this.probe == null) {
						// A sender with a deadline may have withdrawn the message since
						// (a CANCEL follows it), so decode what has already arrived
						// before taking it. After reading the message itself, this
						// thread needs to check only its buffer, which costs no system
						// call. A sender without one never withdraws.
						if (message.type() == Frame.DATA && !this.reading
								&& (readItMyself ? this.reader.hasBufferedInput() : hasInput())) {
							readAndDispatch(0, replies);
							continue;
						}
						this.incoming = null;
						this.changed.signalAll();
						if (message.type() == Frame.DATA_DELAYED_ACK) {
							holdAcknowledgement(message.seq());
						}
						else {
							replies.add(Frame.control(Frame.ACK, message.seq(), 0));
						}
						flushAcknowledgement(replies);
						return message;
					}
					long remaining = remaining(deadline);
					if (remaining <= 0) {
						throw new ChannelTimeoutException(
								"No message arrived within the timeout; nothing was consumed and the channel is still open");
					}
					readItMyself = waitOrRead(remaining, replies);
				}
			}
			finally {
				this.receiverWaiting = false;
				probeIfStuck(replies);
				flushQuietly(replies);
				this.lock.unlock();
			}
		}
		finally {
			this.recvTurn.unlock();
		}
	}

	/**
	 * Wait for something to change: read the socket if no other thread does, else wait
	 * for the reading thread's signal. Called and returns with the lock held.
	 */
	private boolean waitOrRead(long remainingNanos, List<byte[]> replies) {
		if (this.reading) {
			try {
				this.changed.awaitNanos(remainingNanos);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ChannelException("Interrupted while waiting on " + this, ex);
			}
			return false;
		}
		// Long waits read in slices of the same length, and a wait is rounded up to whole
		// milliseconds, so that a deadline that moves on with every call does not cost a
		// setsockopt(SO_RCVTIMEO) on every read: a read that ends a little early or late
		// only sends this thread round its loop once more.
		long sliceNanos = Math.min(remainingNanos, TimeUnit.MILLISECONDS.toNanos(READ_SLICE_MILLIS));
		int millis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(sliceNanos + 999_999));
		readAndDispatch((remainingNanos == Long.MAX_VALUE) ? 0 : millis, replies);
		return true;
	}

	/** Read one frame without the lock held, then act on it. */
	private void readAndDispatch(int timeoutMillis, List<byte[]> replies) {
		this.reading = true;
		Frame frame = null;
		ChannelException failure = null;
		this.lock.unlock();
		try {
			frame = this.reader.read(timeoutMillis);
		}
		catch (SocketTimeoutException ex) {
			// The caller's deadline passed; it notices on its next turn.
		}
		catch (FrameTooLargeException | MalformedFrameException ex) {
			failure = ex;
		}
		catch (EOFException ex) {
			failure = new PeerGoneException(
					"The peer is gone: its end of the channel closed without a goodbye, so the process holding it exited or crashed");
		}
		catch (IOException ex) {
			failure = failureOf(ex, "reading");
		}
		finally {
			this.lock.lock();
			this.reading = false;
			this.changed.signalAll();
		}
		if (failure != null) {
			breakChannel(failure);
			if (failure instanceof FrameTooLargeException || failure instanceof MalformedFrameException) {
				throw failure;
			}
			return;
		}
		if (frame != null) {
			dispatch(frame, replies);
		}
	}

	/** Act on a frame from the peer. Called with the lock held. */
	private void dispatch(Frame frame, List<byte[]> replies) {
		switch (frame.type()) {
			case Frame.DATA, Frame.DATA_DELAYED_ACK -> {
				if (this.incoming != null || this.closedBy != null) {
					Descriptors.closeQuietly(frame.fds());
					if (this.closedBy == null) {
						breakChannel(new MalformedFrameException(
								"The peer sent a second message before the first was received; it does not follow the rendezvous protocol"));
					}
					return;
				}
				this.incoming = frame;
				probeIfStuck(replies);
			}
			case Frame.ACK -> {
				if (frame.seq() == this.pendingSeq && this.pendingOutcome == Outcome.PENDING) {
					this.pendingOutcome = Outcome.ACKNOWLEDGED;
					this.unacknowledgedBytes = 0;
				}
				if (this.probe != null && this.probe.seq() == frame.seq()) {
					// The arbiter took our message, so it cannot have judged a deadlock
					// on it.
					this.probe = null;
				}
			}
			case Frame.CANCEL -> {
				if (this.incoming != null && this.incoming.seq() == frame.seq()) {
					dropIncoming();
				}
				if (this.probe != null && this.probe.arg() == frame.seq()) {
					// The arbiter withdrew the message our question was about.
					this.probe = null;
				}
			}
			case Frame.STUCK -> judgeDeadlock(frame.seq(), frame.arg(), replies);
			case Frame.DEADLOCK -> {
				if (this.pendingSeq == frame.seq() && this.pendingOutcome == Outcome.PENDING) {
					this.pendingOutcome = Outcome.DEADLOCKED;
				}
				if (this.incoming != null && this.incoming.seq() == frame.arg()) {
					dropIncoming();
				}
				clearProbe(frame);
			}
			case Frame.CLEAR -> clearProbe(frame);
			case Frame.CLOSE -> breakChannel(new ChannelClosedException(ChannelClosedException.Reason.PEER_CLOSED,
					"The channel was closed by the peer"));
			default -> breakChannel(new MalformedFrameException("Unexpected frame " + Frame.typeName(frame.type())));
		}
		this.changed.signalAll();
	}

	/**
	 * The follower asks the arbiter whether it is stuck too when it is blocked sending,
	 * holds the arbiter's message, and has no receiver to take it. Until the answer
	 * comes, the follower's receivers may not take that message, so that the verdict
	 * cannot be overtaken.
	 */
	private void probeIfStuck(List<byte[]> replies) {
		if (!this.arbiter && this.probe == null && this.pendingOutcome == Outcome.PENDING && this.incoming != null
				&& !this.receiverWaiting && this.closedBy == null) {
			Frame question = new Frame(Frame.STUCK, this.pendingSeq, this.incoming.seq(), Frame.NO_PAYLOAD,
					Frame.NO_FDS);
			this.probe = question;
			replies.add(Frame.control(Frame.STUCK, question.seq(), question.arg()));
		}
	}

	/**
	 * The arbiter's verdict on the follower's question: a deadlock when this end is still
	 * sending the message the follower holds, still holds the follower's message, and has
	 * no receiver.
	 */
	private void judgeDeadlock(int followerSeq, int arbiterSeq, List<byte[]> replies) {
		if (!this.arbiter) {
			breakChannel(new MalformedFrameException("Both ends of the channel claim to be the follower"));
			return;
		}
		boolean deadlocked = this.incoming != null && this.incoming.seq() == followerSeq
				&& this.pendingSeq == arbiterSeq && this.pendingOutcome == Outcome.PENDING && !this.receiverWaiting;
		if (deadlocked) {
			this.pendingOutcome = Outcome.DEADLOCKED;
			dropIncoming();
		}
		replies.add(Frame.control(deadlocked ? Frame.DEADLOCK : Frame.CLEAR, followerSeq, arbiterSeq));
	}

	private void clearProbe(Frame verdict) {
		if (this.probe != null && this.probe.seq() == verdict.seq() && this.probe.arg() == verdict.arg()) {
			this.probe = null;
		}
	}

	/**
	 * Hold back the acknowledgement of a message just taken. Called with the lock held.
	 */
	private void holdAcknowledgement(int seq) {
		this.delayedAckSeq = seq;
		this.delayedAckSince = System.nanoTime();
		if (!this.watchedByFlusher) {
			this.watchedByFlusher = true;
			AckFlusher.watch(this);
		}
	}

	/**
	 * Take the held acknowledgement, to write it now. Called with the lock held.
	 * @return its sequence number, or NO_SEQ if none is held
	 */
	private int takeDelayedAck() {
		int seq = this.delayedAckSeq;
		this.delayedAckSeq = NO_SEQ;
		return seq;
	}

	/**
	 * Write the held acknowledgement if it is overdue (or at all if {@code all}). Called
	 * by the {@link AckFlusher}.
	 * @return what the flusher found: {@link AckFlusher#FORGET} to stop watching, or
	 * {@link AckFlusher#FLUSHED}, {@link AckFlusher#HOLDING} or {@link AckFlusher#IDLE}
	 */
	int flushDelayedAck(long now, boolean all) {
		this.lock.lock();
		try {
			if (this.closedBy != null
					|| (this.delayedAckSeq == NO_SEQ && now - this.delayedAckSince >= AckFlusher.FORGET_AFTER_NANOS)) {
				this.watchedByFlusher = false;
				return AckFlusher.FORGET;
			}
			if (this.delayedAckSeq == NO_SEQ) {
				return AckFlusher.IDLE;
			}
			if (!all && now - this.delayedAckSince < AckFlusher.DELAY_NANOS) {
				return AckFlusher.HOLDING;
			}
		}
		finally {
			this.lock.unlock();
		}
		// The write lock before taking the acknowledgement, as send does. Another thread
		// that holds it may well take the acknowledgement along.
		if (!this.writeLock.tryLock()) {
			return AckFlusher.HOLDING;
		}
		try {
			int seq;
			this.lock.lock();
			try {
				seq = takeDelayedAck();
			}
			finally {
				this.lock.unlock();
			}
			if (seq == NO_SEQ) {
				return AckFlusher.IDLE;
			}
			write(Frame.control(Frame.ACK, seq, 0), Frame.NO_FDS);
		}
		catch (ChannelException ex) {
			// The peer is gone; the next call on this channel reports it.
		}
		finally {
			this.writeLock.unlock();
		}
		return AckFlusher.FLUSHED;
	}

	private void dropIncoming() {
		Frame dropped = this.incoming;
		if (dropped != null) {
			Descriptors.closeQuietly(dropped.fds());
			this.incoming = null;
		}
	}

	private void breakChannel(ChannelException reason) {
		if (this.closedBy == null) {
			this.closedBy = reason;
		}
		dropIncoming();
		this.reader.discardFds();
		this.changed.signalAll();
		this.socket.close();
	}

	private void throwIfClosed() {
		ChannelException reason = this.closedBy;
		if (reason == null) {
			return;
		}
		// A fresh exception for each caller, so that its stack trace shows the caller's
		// call.
		if (reason instanceof PeerGoneException) {
			throw new PeerGoneException(Objects.requireNonNull(reason.getMessage()), reason);
		}
		if (reason instanceof ChannelClosedException closed) {
			throw new ChannelClosedException(closed.reason(), Objects.requireNonNull(reason.getMessage()), reason);
		}
		throw new ChannelClosedException(ChannelClosedException.Reason.BROKEN,
				"The channel is closed because it broke: " + reason.getMessage(), reason);
	}

	private void endPendingSend() {
		this.lock.lock();
		try {
			endPendingSendLocked();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void endPendingSendLocked() {
		this.pendingSeq = NO_SEQ;
		this.pendingOutcome = Outcome.NONE;
	}

	private int nextSeq() {
		this.lastSeq = (this.lastSeq == Integer.MAX_VALUE) ? 1 : this.lastSeq + 1;
		return this.lastSeq;
	}

	private boolean hasInput() {
		try {
			return this.reader.hasInput();
		}
		catch (IOException ex) {
			return true; // let the read report the failure
		}
	}

	/**
	 * Write frames queued while the lock was held; called with the lock held, releases it
	 * briefly.
	 */
	private void flush(List<byte[]> frames) {
		if (frames.isEmpty()) {
			return;
		}
		byte[][] pending = frames.toArray(new byte[0][]);
		frames.clear();
		this.lock.unlock();
		try {
			for (byte[] frame : pending) {
				write(frame, Frame.NO_FDS);
			}
		}
		finally {
			this.lock.lock();
		}
	}

	/**
	 * An acknowledgement that fails to go out does not undo the receive: the peer is
	 * gone.
	 */
	private void flushAcknowledgement(List<byte[]> frames) {
		try {
			flush(frames);
		}
		catch (ChannelClosedException ex) {
			// Reported to the next call on this channel.
		}
	}

	private void flushQuietly(List<byte[]> frames) {
		try {
			flush(frames);
		}
		catch (ChannelException ex) {
			// Reported to the next call on this channel.
		}
	}

	/** Write a message frame; the caller holds writeLock. */
	private void writeData(byte type, int seq, FileDescriptor[] fds, byte[] message, int ackSeq) {
		int length = Frame.dataLength(message, ackSeq);
		if (length > WRITE_BUFFER_MAX) {
			write(Frame.data(type, seq, fds.length, message, ackSeq), length, fds);
			return;
		}
		if (length > this.writeBuffer.length) {
			this.writeBuffer = new byte[Math.min(WRITE_BUFFER_MAX, Math.max(length, 2 * this.writeBuffer.length))];
		}
		Frame.encodeData(this.writeBuffer, type, seq, fds.length, message, ackSeq);
		write(this.writeBuffer, length, fds);
	}

	private void write(byte[] frame, FileDescriptor[] fds) {
		write(frame, frame.length, fds);
	}

	private void write(byte[] frame, int length, FileDescriptor[] fds) {
		this.writeLock.lock();
		try {
			this.socket.write(frame, 0, length, fds);
		}
		catch (IOException ex) {
			this.lock.lock();
			try {
				if (this.closedBy == null) {
					breakChannel(failureOf(ex, "writing to"));
				}
				throwIfClosed();
			}
			finally {
				this.lock.unlock();
			}
		}
		finally {
			this.writeLock.unlock();
		}
	}

	private static ChannelException failureOf(IOException ex, String operation) {
		if (ex instanceof StandardInputSocket.TakeoverFailedException) {
			return new ChannelException(Objects.requireNonNull(ex.getMessage()), ex);
		}
		return new PeerGoneException("The peer is gone: " + operation + " the channel failed (" + ex.getMessage() + ")",
				ex);
	}

	/**
	 * Take a lock that is held only for short writes, unless a write is stuck on a full
	 * socket: a close must never hang.
	 */
	private static boolean tryLockBriefly(ReentrantLock lock) {
		try {
			return lock.tryLock(CLOSE_WRITE_PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void acquireTurn(ReentrantLock turn, long deadline, String operation) {
		try {
			if (deadline == Long.MAX_VALUE) {
				turn.lockInterruptibly();
			}
			else if (!turn.tryLock(Math.max(0, remaining(deadline)), TimeUnit.NANOSECONDS)) {
				throw new ChannelTimeoutException("Timed out waiting for other threads' " + operation + " calls on "
						+ this + " to finish; nothing was sent or consumed");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ChannelException("Interrupted while waiting to " + operation + " on " + this, ex);
		}
	}

	private static long deadline(@Nullable Duration timeout) {
		if (timeout == null) {
			return Long.MAX_VALUE;
		}
		long nanos = timeout.toNanos();
		long now = System.nanoTime();
		return (nanos >= Long.MAX_VALUE - now) ? Long.MAX_VALUE - 1 : now + nanos;
	}

	private static long remaining(long deadline) {
		return (deadline == Long.MAX_VALUE) ? Long.MAX_VALUE : deadline - System.nanoTime();
	}

	private static void closeSocket(AFUNIXSocket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Closing is best effort: the descriptor is released either way.
		}
	}

	private enum Outcome {

		NONE, PENDING, ACKNOWLEDGED, DEADLOCKED

	}

}
