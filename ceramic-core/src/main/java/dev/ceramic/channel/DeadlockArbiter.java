package dev.ceramic.channel;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Tells when both ends of a channel are blocked in {@code send} with no receiver on
 * either end, so that both sends fail instead of hanging for ever.
 *
 * <p>
 * One end of a pair is the arbiter, the other the follower. The follower asks the arbiter
 * ({@code STUCK}) when it is blocked sending, holds the arbiter's message, and has no
 * receiver to take it; the arbiter answers {@code DEADLOCK} when it is in the same
 * position for the same two messages, else {@code CLEAR}. While the question is open, the
 * follower's receivers may not take the arbiter's message, so that the verdict cannot be
 * overtaken. Guarded by the {@link Rendezvous}'s lock, whose state it reads.
 */
final class DeadlockArbiter {

	private final Rendezvous state;

	/** Whether this end is the one that decides. */
	private final boolean arbiter;

	/**
	 * The follower's open question to the arbiter; while it is open, incoming is frozen.
	 */
	private @Nullable Frame probe;

	DeadlockArbiter(Rendezvous state, boolean arbiter) {
		this.state = state;
		this.arbiter = arbiter;
	}

	boolean isArbiter() {
		return this.arbiter;
	}

	/** Whether receivers must leave the incoming message alone until the verdict. */
	boolean awaitingVerdict() {
		return this.probe != null;
	}

	/**
	 * On the follower, ask the arbiter whether it is stuck too, if this end is blocked
	 * sending, holds the arbiter's message, and has no receiver to take it.
	 */
	void probeIfStuck(List<byte[]> replies) {
		Rendezvous state = this.state;
		Frame incoming = state.incoming;
		if (!this.arbiter && this.probe == null && state.pendingOutcome == Rendezvous.Outcome.PENDING
				&& incoming != null && !state.receiverWaiting && state.closedBy == null) {
			Frame question = new Frame(Frame.STUCK, state.pendingSeq, incoming.seq(), Frame.NO_PAYLOAD, Frame.NO_FDS);
			this.probe = question;
			replies.add(Frame.control(Frame.STUCK, question.seq(), question.arg()));
		}
	}

	/**
	 * On the arbiter, judge the follower's question: a deadlock when this end is still
	 * sending the message the follower holds, still holds the follower's message, and has
	 * no receiver.
	 */
	void judge(int followerSeq, int arbiterSeq, List<byte[]> replies) {
		Rendezvous state = this.state;
		if (!this.arbiter) {
			state.breakChannel(new MalformedFrameException("Both ends of the channel claim to be the follower"));
			return;
		}
		boolean deadlocked = state.incoming != null && state.incoming.seq() == followerSeq
				&& state.pendingSeq == arbiterSeq && state.pendingOutcome == Rendezvous.Outcome.PENDING
				&& !state.receiverWaiting;
		if (deadlocked) {
			state.pendingOutcome = Rendezvous.Outcome.DEADLOCKED;
			state.dropIncoming();
		}
		replies.add(Frame.control(deadlocked ? Frame.DEADLOCK : Frame.CLEAR, followerSeq, arbiterSeq));
	}

	/**
	 * The arbiter took our message {@code seq}, so it cannot have judged a deadlock on
	 * it.
	 */
	void acknowledged(int seq) {
		if (this.probe != null && this.probe.seq() == seq) {
			this.probe = null;
		}
	}

	/** The arbiter withdrew its message {@code seq}, which our question was about. */
	void withdrawn(int seq) {
		if (this.probe != null && this.probe.arg() == seq) {
			this.probe = null;
		}
	}

	/** The arbiter's verdict on our question came. */
	void verdict(Frame verdict) {
		if (this.probe != null && this.probe.seq() == verdict.seq() && this.probe.arg() == verdict.arg()) {
			this.probe = null;
		}
	}

}
