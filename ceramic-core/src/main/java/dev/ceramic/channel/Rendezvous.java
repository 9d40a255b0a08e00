package dev.ceramic.channel;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.newsclub.net.unix.AFUNIXSocket;

/**
 * The state machine of one channel end: one lock over what this end is sending, what it
 * holds for its receivers and whether it is closed, the waits of its senders and
 * receivers, and what each frame from the peer changes.
 *
 * <p>
 * There is no reader thread. A thread that waits reads the socket itself when no other
 * thread is reading, and hands over, through the shared state and one condition, whatever
 * it reads that belongs to another waiting thread. Frames to write in answer are queued
 * while the lock is held and written once it is let go ({@link FrameWriter#flush}).
 *
 * <p>
 * {@link Chan} serializes the calls: at most one thread at a time is in {@link #send} and
 * at most one in {@link #receive}.
 */
final class Rendezvous {

	// A CLOSE frame is written only when it cannot block: a close must never hang. When a
	// large message of ours may still sit unread in the socket, the peer sees
	// end-of-stream instead.
	private static final int CLOSE_FRAME_SAFE_BACKLOG = 64 * 1024;

	private static final long READ_SLICE_MILLIS = 100;

	private final ChannelSocket socket;

	private final FrameReader reader;

	private final FrameWriter writer;

	private final DelayedAck delayedAck;

	private final DeadlockArbiter deadlock;

	private final String name;

	/**
	 * The control frames a send queues while it holds the lock, to write once it lets go;
	 * used only by the thread whose turn it is to send. Kept, not made per call: a round
	 * trip's garbage is memory streamed through the CPU caches.
	 */
	private final List<byte[]> sendReplies = new ArrayList<>(2);

	/** As {@link #sendReplies}, for the thread whose turn it is to receive. */
	private final List<byte[]> recvReplies = new ArrayList<>(2);

	final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	// Everything below is guarded by lock.

	@Nullable ChannelException closedBy;

	private boolean reading;

	private int lastSeq;

	int pendingSeq = Frame.NO_SEQ;

	Outcome pendingOutcome = Outcome.NONE;

	private int unacknowledgedBytes;

	@Nullable Frame incoming;

	boolean receiverWaiting;

	/**
	 * The other end's socket until someone takes it, for close to release if nobody does.
	 */
	private @Nullable AFUNIXSocket peer;

	Rendezvous(ChannelSocket socket, @Nullable AFUNIXSocket peer, boolean arbiter, ChanOptions options, String name) {
		this.socket = socket;
		this.peer = peer;
		this.name = name;
		this.reader = new FrameReader(socket, options.maxFrameSize(), options.maxFileDescriptors(),
				options.spinBeforeBlocking().toNanos());
		this.writer = new FrameWriter(socket, this);
		this.delayedAck = new DelayedAck(this, this.writer);
		this.deadlock = new DeadlockArbiter(this, arbiter);
	}

	boolean isArbiter() {
		return this.deadlock.isArbiter();
	}

	/**
	 * Take the socket of the other end, which the caller then owns.
	 * @throws IllegalStateException if it was already taken
	 */
	AFUNIXSocket detachPeer() {
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

	boolean isOpen() {
		this.lock.lock();
		try {
			return this.closedBy == null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Close this end; {@code reason} is what later calls on this end report. */
	void close(ChannelClosedException reason) {
		boolean wasOpen;
		boolean safeToSignal;
		AFUNIXSocket unclaimedPeer;
		int heldAck;
		this.lock.lock();
		try {
			wasOpen = this.closedBy == null;
			heldAck = this.delayedAck.take();
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
		if (wasOpen && safeToSignal) {
			this.writer.writeGoodbye(heldAck);
		}
		this.socket.close();
		if (unclaimedPeer != null) {
			try {
				unclaimedPeer.close();
			}
			catch (IOException ex) {
				// Closing is best effort: the descriptor is released either way.
			}
		}
	}

	/**
	 * Send a message; the caller has the turn to send. A message sent with
	 * {@code delayedAck} may be acknowledged with the peer's next frame, and cannot be
	 * withdrawn: if it has a deadline and that passes, the channel is closed.
	 */
	void send(byte[] message, FileDescriptor[] fds, long deadline, boolean delayedAck) {
		int seq;
		// The write lock first, so that an acknowledgement taken for this frame cannot be
		// overtaken by one the flusher writes.
		this.writer.lock();
		try {
			int heldAck;
			this.lock.lock();
			try {
				throwIfClosed();
				seq = nextSeq();
				this.pendingSeq = seq;
				this.pendingOutcome = Outcome.PENDING;
				this.unacknowledgedBytes = message.length;
				heldAck = this.delayedAck.take();
			}
			finally {
				this.lock.unlock();
			}
			if (heldAck != Frame.NO_SEQ && fds.length > 0) {
				// Descriptors go with the first byte of a write: keep them on their own
				// message.
				this.writer.write(Frame.control(Frame.ACK, heldAck, 0));
				heldAck = Frame.NO_SEQ;
			}
			byte type = delayedAck ? Frame.DATA_DELAYED_ACK : Frame.DATA;
			this.writer.writeData(type, seq, fds, message, heldAck);
		}
		catch (ChannelException ex) {
			endPendingSend();
			throw ex;
		}
		finally {
			this.writer.unlock();
		}
		awaitOutcome(seq, deadline, !delayedAck);
	}

	private void awaitOutcome(int seq, long deadline, boolean withdrawable) {
		List<byte[]> replies = this.sendReplies;
		replies.clear();
		this.lock.lock();
		try {
			this.deadlock.probeIfStuck(replies);
			while (true) {
				this.writer.flush(replies);
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
				long remaining = Deadlines.remaining(deadline);
				if (remaining <= 0 && !withdrawable) {
					endPendingSendLocked();
					break;
				}
				if (remaining <= 0) {
					endPendingSendLocked();
					replies.add(Frame.control(Frame.CANCEL, seq, 0));
					this.writer.flush(replies);
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

	/** Wait for a message and take it; the caller has the turn to receive. */
	Frame receive(long deadline) {
		List<byte[]> replies = this.recvReplies;
		replies.clear();
		this.lock.lock();
		try {
			this.receiverWaiting = true;
			int heldAck = this.delayedAck.take();
			if (heldAck != Frame.NO_SEQ) {
				// This end will not write a frame before it has the next message.
				replies.add(Frame.control(Frame.ACK, heldAck, 0));
			}
			boolean readItMyself = false;
			while (true) {
				this.writer.flush(replies);
				throwIfClosed();
				Frame message = this.incoming;
				if (message != null && !this.deadlock.awaitingVerdict()) {
					// A sender with a deadline may have withdrawn the message since (a
					// CANCEL follows it), so decode what has already arrived before
					// taking
					// it. After reading the message itself, this thread needs to check
					// only its buffer, which costs no system call. A sender without one
					// never withdraws.
					if (message.type() == Frame.DATA && !this.reading
							&& (readItMyself ? this.reader.hasBufferedInput() : hasInput())) {
						readAndDispatch(0, replies);
						continue;
					}
					this.incoming = null;
					this.changed.signalAll();
					if (message.type() == Frame.DATA_DELAYED_ACK) {
						this.delayedAck.hold(message.seq());
					}
					else {
						replies.add(Frame.control(Frame.ACK, message.seq(), 0));
					}
					this.writer.flushAcknowledgement(replies);
					return message;
				}
				long remaining = Deadlines.remaining(deadline);
				if (remaining <= 0) {
					throw new ChannelTimeoutException(
							"No message arrived within the timeout; nothing was consumed and the channel is still open");
				}
				readItMyself = waitOrRead(remaining, replies);
			}
		}
		finally {
			this.receiverWaiting = false;
			this.deadlock.probeIfStuck(replies);
			this.writer.flushQuietly(replies);
			this.lock.unlock();
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
				throw ChannelInterruptedException.after("waiting on " + this, ex);
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
			failure = new ChannelClosedException(ChannelClosedException.Reason.PEER_GONE,
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
				this.deadlock.probeIfStuck(replies);
			}
			case Frame.ACK -> {
				if (frame.seq() == this.pendingSeq && this.pendingOutcome == Outcome.PENDING) {
					this.pendingOutcome = Outcome.ACKNOWLEDGED;
					this.unacknowledgedBytes = 0;
				}
				this.deadlock.acknowledged(frame.seq());
			}
			case Frame.CANCEL -> {
				if (this.incoming != null && this.incoming.seq() == frame.seq()) {
					dropIncoming();
				}
				this.deadlock.withdrawn(frame.seq());
			}
			case Frame.STUCK -> this.deadlock.judge(frame.seq(), frame.arg(), replies);
			case Frame.DEADLOCK -> {
				if (this.pendingSeq == frame.seq() && this.pendingOutcome == Outcome.PENDING) {
					this.pendingOutcome = Outcome.DEADLOCKED;
				}
				if (this.incoming != null && this.incoming.seq() == frame.arg()) {
					dropIncoming();
				}
				this.deadlock.verdict(frame);
			}
			case Frame.CLEAR -> this.deadlock.verdict(frame);
			case Frame.CLOSE -> breakChannel(new ChannelClosedException(ChannelClosedException.Reason.PEER_CLOSED,
					"The channel was closed by the peer"));
			default -> breakChannel(new MalformedFrameException("Unexpected frame " + Frame.typeName(frame.type())));
		}
		this.changed.signalAll();
	}

	void dropIncoming() {
		Frame dropped = this.incoming;
		if (dropped != null) {
			Descriptors.closeQuietly(dropped.fds());
			this.incoming = null;
		}
	}

	void breakChannel(ChannelException reason) {
		if (this.closedBy == null) {
			this.closedBy = reason;
		}
		dropIncoming();
		this.reader.discardFds();
		this.changed.signalAll();
		this.socket.close();
	}

	/**
	 * A write to the socket failed: break the channel, and report it as closed.
	 * @throws ChannelClosedException always
	 */
	void writeFailed(IOException ex) {
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

	private void throwIfClosed() {
		ChannelException reason = this.closedBy;
		if (reason != null) {
			throw ChannelClosedException.reporting(reason);
		}
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
		this.pendingSeq = Frame.NO_SEQ;
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

	@Override
	public String toString() {
		return "Chan[" + this.name + (isOpen() ? ", open]" : ", closed]");
	}

	private static ChannelException failureOf(IOException ex, String operation) {
		if (ex instanceof StandardInputSocket.TakeoverFailedException) {
			return new ChannelSetupException(String.valueOf(ex.getMessage()), ex);
		}
		return new ChannelClosedException(ChannelClosedException.Reason.PEER_GONE,
				"The peer is gone: " + operation + " the channel failed (" + ex.getMessage() + ")", ex);
	}

	/** Where the send in progress stands. */
	enum Outcome {

		NONE, PENDING, ACKNOWLEDGED, DEADLOCKED

	}

}
