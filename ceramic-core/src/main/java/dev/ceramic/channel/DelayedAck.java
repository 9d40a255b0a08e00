package dev.ceramic.channel;

/**
 * The acknowledgement one channel end holds back for the message its {@code recv} took
 * last, until it goes out with the end's next frame or the {@link AckFlusher} writes it.
 *
 * <p>
 * Guarded by its {@link Rendezvous}'s lock, except {@link #flushIfDue}, which the flusher
 * calls and which takes that lock itself.
 */
final class DelayedAck {

	private final Rendezvous rendezvous;

	private final FrameWriter writer;

	/** The message whose acknowledgement this end holds back, or NO_SEQ. */
	private int seq = Frame.NO_SEQ;

	private long since;

	private boolean watchedByFlusher;

	DelayedAck(Rendezvous rendezvous, FrameWriter writer) {
		this.rendezvous = rendezvous;
		this.writer = writer;
	}

	/** Hold back the acknowledgement of a message just taken. */
	void hold(int seq) {
		this.seq = seq;
		this.since = System.nanoTime();
		if (!this.watchedByFlusher) {
			this.watchedByFlusher = true;
			AckFlusher.watch(this);
		}
	}

	/**
	 * Take the held acknowledgement, to write it now.
	 * @return its sequence number, or {@link Frame#NO_SEQ} if none is held
	 */
	int take() {
		int held = this.seq;
		this.seq = Frame.NO_SEQ;
		return held;
	}

	/**
	 * Write the held acknowledgement if it is overdue (or at all if {@code all}). Called
	 * by the {@link AckFlusher}.
	 * @return what the flusher found: {@link AckFlusher#FORGET} to stop watching, or
	 * {@link AckFlusher#FLUSHED}, {@link AckFlusher#HOLDING} or {@link AckFlusher#IDLE}
	 */
	int flushIfDue(long now, boolean all) {
		this.rendezvous.lock.lock();
		try {
			if (this.rendezvous.closedBy != null
					|| (this.seq == Frame.NO_SEQ && now - this.since >= AckFlusher.FORGET_AFTER_NANOS)) {
				this.watchedByFlusher = false;
				return AckFlusher.FORGET;
			}
			if (this.seq == Frame.NO_SEQ) {
				return AckFlusher.IDLE;
			}
			if (!all && now - this.since < AckFlusher.DELAY_NANOS) {
				return AckFlusher.HOLDING;
			}
		}
		finally {
			this.rendezvous.lock.unlock();
		}
		// The write lock before taking the acknowledgement, as send does. Another thread
		// that holds it may well take the acknowledgement along.
		if (!this.writer.tryLock()) {
			return AckFlusher.HOLDING;
		}
		try {
			int held;
			this.rendezvous.lock.lock();
			try {
				held = take();
			}
			finally {
				this.rendezvous.lock.unlock();
			}
			if (held == Frame.NO_SEQ) {
				return AckFlusher.IDLE;
			}
			this.writer.write(Frame.control(Frame.ACK, held, 0));
		}
		catch (ChannelException ex) {
			// The peer is gone; the next call on this channel reports it.
		}
		finally {
			this.writer.unlock();
		}
		return AckFlusher.FLUSHED;
	}

}
