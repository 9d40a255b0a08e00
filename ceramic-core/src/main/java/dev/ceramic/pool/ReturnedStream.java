package dev.ceramic.pool;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The {@code InputStream} a service method returned, as its caller reads it: the read end
 * of a pipe the worker pumps the service's stream into. The call holds its worker until
 * the stream ends or is closed; then the worker's {@code STREAM_END} says whether the
 * stream ended whole, and the worker goes back to the pool.
 *
 * <p>
 * A worker that dies mid-stream makes the read fail with {@link WorkerCrashedException}
 * rather than look like the stream's end. The call's timeout covers the whole exchange:
 * when it runs out before the stream ended, the worker is killed (so a reader blocked on
 * it wakes) and reads fail with {@link CallTimeoutException}. A failure of the service's
 * own stream is an {@link IOException} of the read, and costs no worker.
 */
final class ReturnedStream extends InputStream {

	private final InputStream pipe;

	private final Worker worker;

	private final MethodTable.Entry entry;

	private final long deadline;

	private final Duration timeout;

	private final Outcome outcome;

	private final ScheduledFuture<?> watchdog;

	private boolean ended;

	private boolean claimed;

	/** Counted down once whoever claimed the call recorded how it ended. */
	private final CountDownLatch settled = new CountDownLatch(1);

	private @Nullable IOException streamFailure;

	private @Nullable RuntimeException callFailure;

	private ReturnedStream(InputStream pipe, Worker worker, MethodTable.Entry entry, long deadline, Duration timeout,
			Outcome outcome, ScheduledExecutorService timer) {
		this.pipe = pipe;
		this.worker = worker;
		this.entry = entry;
		this.deadline = deadline;
		this.timeout = timeout;
		this.outcome = outcome;
		this.watchdog = timer.schedule(this::timeoutRanOut, Math.max(0, deadline - System.nanoTime()),
				TimeUnit.NANOSECONDS);
	}

	/**
	 * Hand a returned stream to its caller.
	 * @param pipe the read end of the worker's pipe
	 * @param worker the worker, held until the stream ends
	 * @param entry the method that returned it
	 * @param deadline when the call's timeout runs out, in {@link System#nanoTime()}
	 * @param timeout the call's timeout
	 * @param outcome what to do with the worker once the stream is done
	 * @param timer where the call's timeout is watched
	 * @return the stream for the caller
	 */
	static ReturnedStream of(InputStream pipe, Worker worker, MethodTable.Entry entry, long deadline, Duration timeout,
			Outcome outcome, ScheduledExecutorService timer) {
		return new ReturnedStream(pipe, worker, entry, deadline, timeout, outcome, timer);
	}

	@Override
	public int read() throws IOException {
		byte[] one = new byte[1];
		int n;
		do {
			n = read(one, 0, 1);
		}
		while (n == 0);
		return (n < 0) ? -1 : one[0] & 0xff;
	}

	@Override
	public int read(byte[] buffer, int offset, int length) throws IOException {
		if (length == 0) {
			return 0;
		}
		if (!this.ended) {
			int n;
			try {
				n = this.pipe.read(buffer, offset, length);
			}
			catch (IOException ex) {
				// The worker's end went away: its end message, or its death, tells why.
				n = -1;
			}
			if (n >= 0) {
				return n;
			}
			end(false);
		}
		throwFailure();
		return -1;
	}

	@Override
	public int available() throws IOException {
		return this.ended ? 0 : this.pipe.available();
	}

	/**
	 * Close the stream. Before its end, the worker's pump stops at its next write, and
	 * the worker goes back to the pool once it said so.
	 */
	@Override
	public void close() {
		if (!this.ended) {
			end(true);
		}
	}

	private void end(boolean closedEarly) {
		this.ended = true;
		closeQuietly(this.pipe);
		if (!claim()) {
			// The timeout ran out: the stream ended because the watchdog killed the
			// worker, and the read must fail with why, not end as if whole.
			awaitSettled();
			return;
		}
		this.watchdog.cancel(false);
		try {
			Protocol.StreamEnd end = this.worker.awaitStreamEnd(this.entry, this.deadline, this.timeout);
			this.outcome.release(this.worker);
			if (end.outcome() == Protocol.StreamOutcome.FAILED && !closedEarly) {
				this.streamFailure = new IOException("The stream returned by " + this.entry.describe()
						+ " failed in worker pid " + this.worker.pid() + ": " + end.failure());
			}
		}
		catch (CallTimeoutException ex) {
			fail(PoolEvent.Type.WORKER_TIMED_OUT, ex);
		}
		catch (WorkerCrashedException ex) {
			fail(PoolEvent.Type.WORKER_CRASHED, ex);
		}
		catch (RuntimeException ex) {
			this.outcome.lose(this.worker, PoolEvent.Type.WORKER_CRASHED, "failed unexpectedly: " + ex);
			setCallFailure(ex);
		}
		finally {
			this.settled.countDown();
		}
	}

	private void fail(PoolEvent.Type type, RuntimeException failure) {
		this.outcome.lose(this.worker, type, failure.getMessage());
		setCallFailure(failure);
	}

	private synchronized void setCallFailure(RuntimeException failure) {
		this.callFailure = failure;
	}

	private void awaitSettled() {
		boolean interrupted = false;
		while (true) {
			try {
				this.settled.await();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private void throwFailure() throws IOException {
		RuntimeException call;
		synchronized (this) {
			call = this.callFailure;
		}
		if (call != null) {
			throw call;
		}
		if (this.streamFailure != null) {
			throw this.streamFailure;
		}
	}

	/** Whether this thread is the one to finish the call, rather than the watchdog. */
	private synchronized boolean claim() {
		if (this.claimed) {
			return false;
		}
		this.claimed = true;
		return true;
	}

	private void timeoutRanOut() {
		if (!claim()) {
			return;
		}
		try {
			// Killing the worker ends the pipe, so a reader blocked on it wakes.
			fail(PoolEvent.Type.WORKER_TIMED_OUT, this.worker.streamTimedOut(this.entry, this.timeout));
		}
		finally {
			this.settled.countDown();
		}
	}

	private static void closeQuietly(InputStream stream) {
		try {
			stream.close();
		}
		catch (IOException ex) {
			// The descriptor is released either way.
		}
	}

	/** What becomes of the worker once its stream is done. */
	interface Outcome {

		/** It is as good as before: back to the pool. */
		void release(Worker worker);

		/** It died, broke the protocol or ran out of time, and is gone. */
		void lose(Worker worker, PoolEvent.Type type, @Nullable String message);

	}

}
