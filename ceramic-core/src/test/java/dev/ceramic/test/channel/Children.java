package dev.ceramic.test.channel;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.channel.DeadlockException;
import dev.ceramic.process.ProcMain;
import dev.ceramic.test.Waiting;
import dev.ceramic.test.proc.ChildJvms;

/**
 * Child processes for the cross-process channel tests.
 */
public final class Children {

	/** Exit status of a child whose blocked call saw the parent close the channel. */
	public static final int SAW_PEER_CLOSE = 42;

	/** The line a blocked child prints on standard output once its call is blocked. */
	public static final String BLOCKED = "blocked in the channel";

	private Children() {
	}

	/** Waits, notes the time, receives, and sends that time back. */
	public static class SlowReceiver implements ProcMain {

		@Override
		public void run(Chan chan) throws Exception {
			Thread.sleep(300);
			Instant recvStarted = Instant.now();
			chan.recv();
			chan.send(recvStarted.toString().getBytes(StandardCharsets.UTF_8));
		}

	}

	/**
	 * Blocks in recv, telling {@link #BLOCKED} once it is, and exits with
	 * {@link #SAW_PEER_CLOSE} when the parent closes.
	 */
	public static class BlockedReceiver implements ProcMain {

		@Override
		public void run(Chan chan) {
			blockUntilThePeerCloses(chan::recv);
		}

	}

	/**
	 * Blocks in send, telling {@link #BLOCKED} once it is, and exits with
	 * {@link #SAW_PEER_CLOSE} when the parent closes.
	 */
	public static class BlockedSender implements ProcMain {

		@Override
		public void run(Chan chan) {
			blockUntilThePeerCloses(() -> chan.send("never taken".getBytes(StandardCharsets.UTF_8)));
		}

	}

	/** Closes its end after a moment, while the parent is blocked. */
	public static class Closer implements ProcMain {

		@Override
		public void run(Chan chan) throws Exception {
			Thread.sleep(200);
			chan.close();
			Thread.sleep(60_000);
		}

	}

	/** Never touches the channel; the parent kills it. */
	public static class Sleeper implements ProcMain {

		@Override
		public void run(Chan chan) throws Exception {
			Thread.sleep(60_000);
		}

	}

	/**
	 * The seed's race: send at once, while the parent sends too. Reports what its send
	 * saw as the next message.
	 */
	public static class RacingSender implements ProcMain {

		@Override
		public void run(Chan chan) {
			String outcome;
			try {
				chan.send("from child".getBytes(StandardCharsets.UTF_8));
				outcome = "delivered";
			}
			catch (DeadlockException ex) {
				outcome = "deadlock";
			}
			chan.send(outcome.getBytes(StandardCharsets.UTF_8));
		}

	}

	/** Writes a frame header that announces 2 GiB straight onto the socket. */
	public static class HugeFrameAnnouncer implements ProcMain {

		@Override
		public void run(Chan chan) throws Exception {
			ChildJvms
				.writeBehindTheChannel(new byte[] { 1, 0, 0, 0, 0, 1, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0 });
			Thread.sleep(60_000);
		}

	}

	/** Writes bytes that are no frame of the protocol straight onto the socket. */
	public static class GarbageWriter implements ProcMain {

		@Override
		public void run(Chan chan) throws Exception {
			ChildJvms.writeBehindTheChannel("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			Thread.sleep(60_000);
		}

	}

	/**
	 * Make a call that blocks, tell {@link #BLOCKED} once it is, and exit with
	 * {@link #SAW_PEER_CLOSE} when the parent's close ends it.
	 */
	static void blockUntilThePeerCloses(Runnable call) {
		tellWhenBlocked(Thread.currentThread());
		try {
			call.run();
		}
		catch (ChannelClosedException ex) {
			if (ex.reason() == ChannelClosedException.Reason.PEER_CLOSED) {
				System.exit(SAW_PEER_CLOSE);
			}
			throw ex;
		}
	}

	/**
	 * Print {@link #BLOCKED} on standard output once a thread is blocked: the parent
	 * cannot see the child's threads, so the child watches its own.
	 */
	static void tellWhenBlocked(Thread caller) {
		Thread watcher = new Thread(() -> {
			Waiting.awaitBlocked("the child's call", caller);
			System.out.println(BLOCKED);
			System.out.flush();
		}, "blocked-watcher");
		watcher.setDaemon(true);
		watcher.start();
	}

}
