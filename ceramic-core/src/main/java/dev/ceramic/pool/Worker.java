package dev.ceramic.pool;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.ceramic.Durations;
import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.channel.ChannelException;
import dev.ceramic.channel.ChannelTimeoutException;
import dev.ceramic.channel.JsonCodec;
import dev.ceramic.channel.OutOfBand;
import dev.ceramic.channel.Received;
import dev.ceramic.channel.SharedMemoryException;
import dev.ceramic.channel.SharedRegions;
import dev.ceramic.channel.ValueTooLargeException;
import dev.ceramic.platform.Platform;
import dev.ceramic.process.Proc;
import org.jspecify.annotations.Nullable;

/**
 * The application's handle on one running worker JVM: runs calls on it one at a time, and
 * turns whatever goes wrong into a precise exception. A worker that fails a call in any
 * way other than its service throwing is dead afterwards: killed if it was not already.
 */
final class Worker {

	/**
	 * How often a caller blocked on a reply checks whether its thread was interrupted.
	 */
	private static final Duration INTERRUPT_CHECK = Duration.ofMillis(100);

	/**
	 * The least time between two reads of a busy worker's resident memory. A read of
	 * {@code /proc} costs about 20 µs, more than a small call, and a JVM cannot grow by
	 * much in 10 ms; a call that runs longer is always followed by a read.
	 */
	static final long MEMORY_CHECK_INTERVAL_NANOS = Duration.ofMillis(10).toNanos();

	private final String poolName;

	private final Proc proc;

	private final Chan chan;

	private final JsonCodec codec;

	private final CallReceipt receipt;

	private final CrashReport crashReport;

	private final Instant startedAt = Instant.now();

	private final Duration startupTime;

	private final long recycleAfter;

	private final SharedRegions regions = SharedRegions.create();

	private int nextCallId;

	private long callsServed;

	private volatile long lastUsedNanos = System.nanoTime();

	// Written only by the thread that holds the worker's lease.
	private long memoryCheckedNanos = this.lastUsedNanos - MEMORY_CHECK_INTERVAL_NANOS;

	private volatile @Nullable String lastError;

	private volatile boolean busy;

	/** The shutdown-grace that ran out while this worker's call ran, once it has. */
	private volatile @Nullable Duration shutdownGraceRanOut;

	Worker(String poolName, Proc proc, Chan chan, JsonCodec codec, CallReceipt receipt, CrashReport crashReport,
			long recycleAfter, Duration startupTime) {
		this.poolName = poolName;
		this.startupTime = startupTime;
		this.proc = proc;
		this.chan = chan;
		this.codec = codec;
		this.receipt = receipt;
		this.crashReport = crashReport;
		this.recycleAfter = recycleAfter;
	}

	/**
	 * Run one call.
	 * @param entry the method
	 * @param arguments the encoded arguments
	 * @param timeout the call's deadline
	 * @return the worker's reply
	 * @throws CallTimeoutException if the deadline passed or the thread was interrupted;
	 * the worker was killed
	 * @throws WorkerCrashedException if the worker died or broke the protocol; it is dead
	 * @throws UndeliveredCallException if the worker had died before the call reached it
	 * @throws ValueTooLargeException if the call is too large for the channel; nothing
	 * was sent and the worker is unharmed
	 * @throws SharedMemoryException if no shared memory could take its large values;
	 * nothing was sent and the worker is unharmed
	 * @throws StreamArgumentException if a stream argument failed in this process; the
	 * worker is unharmed
	 */
	Protocol.Reply call(MethodTable.Entry entry, Protocol.Arguments arguments, Duration timeout) {
		long start = System.nanoTime();
		long deadline = start + timeout.toNanos();
		int callId = ++this.nextCallId;
		byte[] message = Protocol.call(callId, entry.id(), arguments.values());
		if (message.length > this.chan.options().maxFrameSize()) {
			// Refused here rather than by the channel, whose FrameTooLargeException may
			// as well be about a frame the worker sent.
			throw new ValueTooLargeException("The call to " + entry.describe() + " is too large to send to a worker: "
					+ "its arguments are over ceramic.pools." + this.poolName
					+ ".max-frame-size; raise that setting, or send less. Nothing was sent");
		}
		// Written before anything is sent: a failure is this process's, not the worker's.
		StreamArguments streams = arguments.streams();
		FileDescriptor[] descriptors = streams.open(arguments.outOfBand().descriptors(this.regions));
		try {
			try {
				// The worker acknowledges the call with its reply, or on its own 1 to 33
				// ms after taking it if the call runs longer: one frame each way for a
				// short call. The reply carries the acknowledgement in any case.
				this.chan.sendRequest(message, timeout, descriptors);
				streams.sent();
			}
			catch (ChannelClosedException ex) {
				if (Thread.currentThread().isInterrupted()) {
					throw timedOut(entry, "was interrupted after " + elapsed(start), timeout);
				}
				throwIfShutdownEndedIt(entry, timeout);
				if (ex.reason() != ChannelClosedException.Reason.PEER_GONE
						&& ex.reason() != ChannelClosedException.Reason.PEER_CLOSED) {
					throw ex;
				}
				// The worker is gone without having acknowledged the call, which it may
				// have taken all the same: its receipt, recorded as soon as it took the
				// call, tells. A call it took may be what killed it, and is not retried.
				if (this.receipt.took(callId)) {
					throw crashed(entry, "died", ex);
				}
				throw new UndeliveredCallException(
						crashed("had died while idle, before a call to " + entry.describe() + " reached it", ex));
			}
			while (true) {
				long remaining = deadline - System.nanoTime();
				if (Thread.currentThread().isInterrupted()) {
					throw timedOut(entry, "was interrupted after " + elapsed(start), timeout);
				}
				if (remaining <= 0) {
					throw timedOut(entry, "did not complete within its timeout of " + Durations.format(timeout),
							timeout);
				}
				Received received;
				try {
					received = this.chan.recvWithFds(Duration.ofNanos(Math.min(remaining, INTERRUPT_CHECK.toNanos())));
				}
				catch (ChannelTimeoutException ex) {
					continue;
				}
				try (OutOfBand outOfBand = OutOfBand.receiving(received.fileDescriptors(), arguments.maxValueSize(),
						this.regions)) {
					Protocol.Reply reply = entry.returnsStream()
							? Protocol.readStreamReply(received.payload(), callId, this.codec, outOfBand)
							: Protocol.readReply(received.payload(), callId, entry.returnType(), this.codec, outOfBand);
					this.callsServed++;
					this.lastUsedNanos = System.nanoTime();
					Optional<StreamArgumentException> streamFailure = streams.failure();
					if (streamFailure.isPresent()) {
						if (reply.value() instanceof InputStream returned) {
							// Nobody will read it: stop the worker's pump, and let it
							// end.
							try {
								returned.close();
							}
							catch (IOException ex) {
								// Closed all the same.
							}
							awaitStreamEnd(entry, deadline, timeout);
						}
						throw streamFailure.get();
					}
					return reply;
				}
				catch (ProtocolException ex) {
					this.proc.kill();
					throw crashed(entry, "sent " + ex.getMessage() + ", and was killed", ex);
				}
			}
		}
		catch (ChannelTimeoutException ex) {
			// The send timed out: the worker did not acknowledge the call in time,
			// though it may have taken it (a worker whose JVM stalls cannot acknowledge).
			if (this.receipt.took(callId)) {
				throw timedOut(entry, "did not complete within its timeout of " + Durations.format(timeout), timeout);
			}
			throw timedOut(entry,
					"could not be handed to the worker within its timeout of " + Durations.format(timeout), timeout);
		}
		catch (ChannelClosedException ex) {
			if (Thread.currentThread().isInterrupted()) {
				// On a virtual thread, an interrupt closes the socket that the thread is
				// blocked on: the channel then looks closed, but the worker did not die.
				throw timedOut(entry, "was interrupted after " + elapsed(start), timeout);
			}
			throwIfShutdownEndedIt(entry, timeout);
			if (ex.reason() == ChannelClosedException.Reason.BROKEN) {
				// The worker broke the channel's protocol (a second message before its
				// first was taken, say) and may well be alive.
				this.proc.kill();
				throw crashed(entry, "sent " + ex.getMessage() + ", and was killed", ex);
			}
			throw crashed(entry, "died", ex);
		}
		catch (ChannelException ex) {
			if (Thread.currentThread().isInterrupted()) {
				throw timedOut(entry, "was interrupted after " + elapsed(start), timeout);
			}
			// A malformed or oversized frame: the channel is broken.
			this.proc.kill();
			throw crashed(entry, "sent " + ex.getMessage() + ", and was killed", ex);
		}
		finally {
			// The worker is done with the streams, or gone.
			streams.close();
		}
	}

	/**
	 * Wait for the worker to end the stream its last call returned, which it does once it
	 * pumped the stream to its end, or the reader closed it, or reading it failed.
	 * @param entry the method that returned the stream
	 * @param deadline when the call's timeout runs out, in {@link System#nanoTime()}
	 * @param timeout the call's timeout
	 * @return how the stream ended
	 * @throws WorkerCrashedException if the worker died first, or broke the protocol
	 * @throws CallTimeoutException if the call's timeout ran out first; the worker was
	 * killed
	 */
	Protocol.StreamEnd awaitStreamEnd(MethodTable.Entry entry, long deadline, Duration timeout) {
		try {
			while (true) {
				if (Thread.currentThread().isInterrupted()) {
					throw timedOut(entry, "was interrupted while its stream was read", timeout);
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					throw timedOut(entry, "did not finish its stream within its timeout of " + Durations.format(timeout)
							+ "; a returned stream must be read within it", timeout);
				}
				try {
					byte[] message = this.chan.recv(Duration.ofNanos(Math.min(remaining, INTERRUPT_CHECK.toNanos())));
					this.lastUsedNanos = System.nanoTime();
					return Protocol.readStreamEnd(message, this.nextCallId);
				}
				catch (ChannelTimeoutException ex) {
					// Check the deadline and the interrupt again.
				}
			}
		}
		catch (ProtocolException ex) {
			this.proc.kill();
			throw crashed(entry, "sent " + ex.getMessage() + ", and was killed", ex);
		}
		catch (ChannelClosedException ex) {
			throwIfShutdownEndedIt(entry, timeout);
			throw crashed("died while the stream returned by " + entry.describe() + " was read", ex);
		}
		catch (ChannelException ex) {
			this.proc.kill();
			throw crashed(entry, "sent " + ex.getMessage() + ", and was killed", ex);
		}
	}

	/**
	 * End the call in flight because its timeout ran out while the caller held the stream
	 * it returned: kill the worker.
	 * @param entry the method that returned the stream
	 * @param timeout the call's timeout
	 * @return the exception for the stream's reader
	 */
	CallTimeoutException streamTimedOut(MethodTable.Entry entry, Duration timeout) {
		return timedOut(entry, "did not finish its stream within its timeout of " + Durations.format(timeout)
				+ "; a returned stream must be read within it", timeout);
	}

	/**
	 * A call that the pool's shutdown ended ran out of time: the caller gets a
	 * {@link CallTimeoutException}, not a crash the worker never had.
	 */
	private void throwIfShutdownEndedIt(MethodTable.Entry entry, Duration timeout) {
		Duration grace = this.shutdownGraceRanOut;
		if (grace != null) {
			String message = "Call to " + entry.describe() + " in worker pid " + pid() + " of pool '" + this.poolName
					+ "' was still running when the pool's shutdown-grace of " + Durations.format(grace)
					+ " ran out; the worker was killed";
			this.lastError = message;
			throw new CallTimeoutException(this.poolName, pid(), message, timeout);
		}
	}

	private CallTimeoutException timedOut(MethodTable.Entry entry, String what, Duration timeout) {
		this.proc.kill();
		String message = "Call to " + entry.describe() + " in worker pid " + pid() + " of pool '" + this.poolName + "' "
				+ what + "; the worker was killed and will be replaced";
		this.lastError = message;
		return new CallTimeoutException(this.poolName, pid(), message, timeout);
	}

	private WorkerCrashedException crashed(MethodTable.Entry entry, String what, Throwable cause) {
		return crashed(what + " during a call to " + entry.describe(), cause);
	}

	private WorkerCrashedException crashed(String what, Throwable cause) {
		WorkerCrashedException crash = this.crashReport.crashed(what, cause);
		this.lastError = crash.getMessage();
		return crash;
	}

	private static String elapsed(long start) {
		return Durations.formatMillis(Duration.ofNanos(System.nanoTime() - start));
	}

	/**
	 * Say goodbye and let the worker exit; kill it if it has not after the grace period.
	 */
	void retire() {
		try {
			this.chan.send(Protocol.goodbye(), Duration.ofSeconds(1));
		}
		catch (ChannelException ex) {
			// It is gone or stuck; close() below kills it after the grace period.
		}
		this.proc.close();
		this.regions.close();
	}

	/**
	 * End the call in flight because the pool's shutdown-grace ran out: kill the worker,
	 * and let its caller learn that the call ran out of time.
	 * @param grace the shutdown-grace
	 */
	void endCallAtShutdown(Duration grace) {
		this.shutdownGraceRanOut = grace;
		kill();
	}

	/** Kill the worker at once and wait until it is gone. */
	void kill() {
		this.proc.kill();
		this.proc.close();
		this.regions.close();
	}

	long pid() {
		return this.proc.pid();
	}

	/**
	 * Describe how the worker's process ended: its exit status, and the summary of its
	 * fatal error log when it wrote one.
	 * @return the description
	 */
	String describeExit() {
		return this.crashReport.describeExit();
	}

	boolean isAlive() {
		return this.proc.isAlive();
	}

	Proc proc() {
		return this.proc;
	}

	Instant startedAt() {
		return this.startedAt;
	}

	long callsServed() {
		return this.callsServed;
	}

	boolean dueForRecycling() {
		return this.callsServed >= this.recycleAfter;
	}

	/**
	 * Return whether the worker's resident memory should be read after the call that just
	 * ended: after its first call, then after the first call that ends at least
	 * {@link #MEMORY_CHECK_INTERVAL_NANOS} after the last read. To be called by the
	 * thread that holds the worker's lease.
	 * @return whether to read it now
	 */
	boolean memoryCheckDue() {
		long now = this.lastUsedNanos;
		if (now - this.memoryCheckedNanos < MEMORY_CHECK_INTERVAL_NANOS) {
			return false;
		}
		this.memoryCheckedNanos = now;
		return true;
	}

	long lastUsedNanos() {
		return this.lastUsedNanos;
	}

	@Nullable String lastError() {
		return this.lastError;
	}

	void recordError(String error) {
		this.lastError = error;
	}

	boolean isBusy() {
		return this.busy;
	}

	void setBusy(boolean busy) {
		this.busy = busy;
	}

	/**
	 * Return the worker's resident memory.
	 * @return the resident set size in bytes, or -1 if it cannot be read
	 */
	long residentMemory() {
		return Platform.residentMemory(pid());
	}

	/**
	 * Return the worker's proportional set size.
	 * @return the PSS in bytes, or -1 if it cannot be read
	 */
	long proportionalMemory() {
		return Platform.proportionalMemory(pid());
	}

	/** How long the worker took from its launch until it greeted the pool. */
	Duration startupTime() {
		return this.startupTime;
	}

	/**
	 * Whether the worker's resident memory is over a limit.
	 * @param maxBytes the limit, or 0 for none
	 * @return whether a limit is set and the memory is over it
	 */
	boolean isOverMemory(long maxBytes) {
		return maxBytes > 0 && residentMemory() > maxBytes;
	}

	@Override
	public String toString() {
		return "Worker[pool " + this.poolName + ", pid " + pid() + "]";
	}

}
