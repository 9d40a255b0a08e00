package dev.ceramic.channel;

import java.io.FileDescriptor;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes one channel end's frames to its socket, one writer at a time, encoding message
 * frames into a buffer it keeps.
 *
 * <p>
 * Its lock is held only for a write, or by a send from taking its sequence number until
 * its frame is written, so that an acknowledgement taken for that frame cannot be
 * overtaken by one the {@link AckFlusher} writes. A write that fails breaks the channel
 * through its {@link Rendezvous}.
 */
final class FrameWriter {

	/**
	 * Larger message frames are encoded into a fresh array: their copy costs more than
	 * the allocation, and a channel should not keep a large buffer for one large message.
	 */
	private static final int BUFFER_MAX = 64 * 1024;

	/** The most one write of a large payload hands to junixsocket. */
	private static final int MAX_WRITE = 1024 * 1024;

	private static final long GOODBYE_PATIENCE_MILLIS = 50;

	private final ChannelSocket socket;

	private final Rendezvous rendezvous;

	private final ReentrantLock lock = new ReentrantLock();

	/**
	 * Where message frames up to {@link #BUFFER_MAX} bytes are encoded, guarded by lock.
	 * A fresh frame per send streams new memory through the CPU caches, which at 1 KiB
	 * cost more than the copy.
	 */
	private byte[] buffer = new byte[256];

	FrameWriter(ChannelSocket socket, Rendezvous rendezvous) {
		this.socket = socket;
		this.rendezvous = rendezvous;
	}

	void lock() {
		this.lock.lock();
	}

	boolean tryLock() {
		return this.lock.tryLock();
	}

	void unlock() {
		this.lock.unlock();
	}

	/** Write a message frame; the caller holds the lock. */
	void writeData(byte type, int seq, FileDescriptor[] fds, byte[] message, int ackSeq) {
		int length = Frame.dataLength(message, ackSeq);
		if (length > BUFFER_MAX) {
			writeLarge(type, seq, fds, message, ackSeq);
			return;
		}
		if (length > this.buffer.length) {
			this.buffer = new byte[Math.min(BUFFER_MAX, Math.max(length, 2 * this.buffer.length))];
		}
		Frame.encodeData(this.buffer, type, seq, fds.length, message, ackSeq);
		write(this.buffer, length, fds);
	}

	/**
	 * Write a large message frame as its header, then its payload straight from the
	 * caller's array in bounded pieces: no copy of the payload, and no write that asks
	 * junixsocket to stage more than {@link #MAX_WRITE} bytes at once.
	 */
	private void writeLarge(byte type, int seq, FileDescriptor[] fds, byte[] message, int ackSeq) {
		byte[] header = Frame.data(type, seq, fds.length, Frame.NO_PAYLOAD, ackSeq);
		// The header's length field is the payload's.
		Frame.putInt(header, header.length - 4, message.length);
		this.lock.lock();
		try {
			this.socket.write(header, 0, header.length, fds);
			for (int offset = 0; offset < message.length; offset += MAX_WRITE) {
				this.socket.write(message, offset, Math.min(MAX_WRITE, message.length - offset), Frame.NO_FDS);
			}
		}
		catch (IOException ex) {
			this.rendezvous.writeFailed(ex);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Write a frame without descriptors.
	 * @throws ChannelClosedException if the write failed, which broke the channel
	 */
	void write(byte[] frame) {
		write(frame, frame.length, Frame.NO_FDS);
	}

	private void write(byte[] frame, int length, FileDescriptor[] fds) {
		this.lock.lock();
		try {
			this.socket.write(frame, 0, length, fds);
		}
		catch (IOException ex) {
			this.rendezvous.writeFailed(ex);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Write the control frames queued while the rendezvous lock was held; called with
	 * that lock held, which it releases while it writes.
	 * @throws ChannelClosedException if a write failed, which broke the channel
	 */
	void flush(List<byte[]> frames) {
		if (frames.isEmpty()) {
			return;
		}
		byte[][] pending = frames.toArray(new byte[0][]);
		frames.clear();
		ReentrantLock state = this.rendezvous.lock;
		state.unlock();
		try {
			for (byte[] frame : pending) {
				write(frame);
			}
		}
		finally {
			state.lock();
		}
	}

	/**
	 * As {@link #flush}, for the acknowledgement of a message just taken: one that fails
	 * to go out does not undo the receive, since the peer is gone.
	 */
	void flushAcknowledgement(List<byte[]> frames) {
		try {
			flush(frames);
		}
		catch (ChannelClosedException ex) {
			// Reported to the next call on this channel.
		}
	}

	/** As {@link #flush}, leaving any failure to the next call on this channel. */
	void flushQuietly(List<byte[]> frames) {
		try {
			flush(frames);
		}
		catch (ChannelException ex) {
			// Reported to the next call on this channel.
		}
	}

	/**
	 * Tell the peer that this end closes, with the acknowledgement this end still holds,
	 * unless a write is stuck on a full socket: a close must never hang. A failure is
	 * ignored: the peer is already gone, and there is nobody left to tell.
	 * @param heldAck the held acknowledgement's sequence number, or {@link Frame#NO_SEQ}
	 */
	void writeGoodbye(int heldAck) {
		if (!tryLockBriefly()) {
			return;
		}
		try {
			// A message taken here was taken: the peer's send succeeds before it sees
			// the close.
			if (heldAck != Frame.NO_SEQ) {
				byte[] ack = Frame.control(Frame.ACK, heldAck, 0);
				this.socket.write(ack, 0, ack.length, Frame.NO_FDS);
			}
			byte[] close = Frame.control(Frame.CLOSE, Frame.NO_SEQ, 0);
			this.socket.write(close, 0, close.length, Frame.NO_FDS);
		}
		catch (IOException ex) {
			// The peer is already gone; there is nobody left to tell.
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean tryLockBriefly() {
		try {
			return this.lock.tryLock(GOODBYE_PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
