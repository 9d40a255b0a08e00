package dev.ceramic.pool.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChanOptions;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.channel.ChannelException;
import dev.ceramic.channel.ChannelTimeoutException;
import dev.ceramic.channel.JsonCodec;
import dev.ceramic.pool.CallTimeoutException;
import dev.ceramic.pool.WorkerCrashedException;
import dev.ceramic.pool.WorkerPoolSettings;
import dev.ceramic.pool.WorkerStartException;
import dev.ceramic.process.ExitStatus;
import dev.ceramic.process.Proc;
import dev.ceramic.process.ProcOptions;
import dev.ceramic.process.ProcStartException;
import org.jspecify.annotations.Nullable;

/**
 * The application's handle on one worker JVM: starts it, runs calls on it one at a time,
 * and turns whatever goes wrong into a precise exception. A worker that fails a call in
 * any way other than its service throwing is dead afterwards: killed if it was not
 * already.
 */
public final class Worker {

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

	private static final int STDERR_LINES_IN_ERRORS = 10;

	private final String poolName;

	private final Proc proc;

	private final Chan chan;

	private final JsonCodec codec;

	private final Path errorDirectory;

	private final CallReceipt receipt;

	private final Instant startedAt = Instant.now();

	private final long recycleAfter;

	private int nextCallId;

	private long callsServed;

	private volatile long lastUsedNanos = System.nanoTime();

	// Written only by the thread that holds the worker's lease.
	private long memoryCheckedNanos = this.lastUsedNanos - MEMORY_CHECK_INTERVAL_NANOS;

	private volatile @Nullable String lastError;

	private volatile boolean busy;

	private Worker(String poolName, Proc proc, Chan chan, JsonCodec codec, Path errorDirectory, CallReceipt receipt,
			long recycleAfter) {
		this.poolName = poolName;
		this.proc = proc;
		this.chan = chan;
		this.codec = codec;
		this.errorDirectory = errorDirectory;
		this.receipt = receipt;
		this.recycleAfter = recycleAfter;
	}

	/**
	 * Start a worker and wait for its greeting.
	 * @param settings the pool's settings
	 * @param services the services, as {@code interface=implementation} pairs
	 * @param table the pool's method table, whose fingerprint the worker must match
	 * @param codec the codec
	 * @param errorDirectory where workers write fatal error logs, and where the worker's
	 * call receipt is made
	 * @return the ready worker
	 * @throws WorkerStartException if it could not start
	 */
	public static Worker start(WorkerPoolSettings settings, String services, MethodTable table, JsonCodec codec,
			Path errorDirectory) {
		CallReceipt receipt;
		try {
			receipt = CallReceipt.create(errorDirectory);
		}
		catch (IOException | RuntimeException ex) {
			throw new WorkerStartException(
					settings.name(), 0, "A worker of pool '" + settings.name()
							+ "' could not start: its call receipt could not be made in " + errorDirectory + ": " + ex,
					ex);
		}
		try {
			return start(settings, services, table, codec, errorDirectory, receipt);
		}
		finally {
			// The worker maps its receipt before it greets, or never will: the file's
			// name is no longer needed, and nothing is left behind however this JVM ends.
			receipt.deleteFile();
		}
	}

	private static Worker start(WorkerPoolSettings settings, String services, MethodTable table, JsonCodec codec,
			Path errorDirectory, CallReceipt receipt) {
		Chan chan = Chan.open(new ChanOptions(settings.maxFrameSize(), 0));
		Proc proc;
		long deadline = System.nanoTime() + settings.startupTimeout().toNanos();
		try {
			proc = Proc.start(WorkerMain.class, chan, procOptions(settings, services, errorDirectory, receipt));
		}
		catch (ProcStartException ex) {
			throw new WorkerStartException(settings.name(), 0,
					"A worker of pool '" + settings.name() + "' could not start: " + ex.getMessage(), ex);
		}
		byte[] greeting;
		try {
			greeting = chan.recv(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
		}
		catch (ChannelTimeoutException ex) {
			proc.kill();
			proc.close();
			throw startFailure(settings.name(), proc, "did not finish starting within the startup-timeout of "
					+ settings.startupTimeout() + " and was killed", ex);
		}
		catch (ChannelException ex) {
			proc.close();
			throw startFailure(settings.name(), proc, "died during start-up", ex);
		}
		try {
			byte kind = Protocol.kind(greeting);
			if (kind == Protocol.STARTUP_FAILED) {
				RemoteError error = Protocol.readJson(greeting, codec, RemoteError.class);
				proc.close();
				throw startFailure(settings.name(), proc, "could not make its services: " + describe(error), null);
			}
			if (kind != Protocol.HELLO) {
				throw new ProtocolException("a " + Protocol.kindName(kind) + " message instead of HELLO");
			}
			Protocol.Hello hello = Protocol.readJson(greeting, codec, Protocol.Hello.class);
			if (hello.protocol() != Protocol.VERSION) {
				throw new ProtocolException("protocol version " + hello.protocol() + " where this application speaks "
						+ Protocol.VERSION + "; the worker runs another version of ceramic");
			}
			if (!hello.fingerprint().equals(table.fingerprint())) {
				throw new ProtocolException("service interfaces with fingerprint " + hello.fingerprint()
						+ " where the application has " + table.fingerprint()
						+ "; the worker's classpath holds other versions of the service interfaces");
			}
		}
		catch (ProtocolException ex) {
			proc.kill();
			proc.close();
			throw startFailure(settings.name(), proc, "greeted the application wrongly: " + ex.getMessage(), ex);
		}
		return new Worker(settings.name(), proc, chan, codec, errorDirectory, receipt, recycleAfter(settings));
	}

	private static ProcOptions procOptions(WorkerPoolSettings settings, String services, Path errorDirectory,
			CallReceipt receipt) {
		ProcOptions.Builder options = settings.launch()
			.toBuilder()
			// A worker that ran out of memory is in no state to go on; exit so it is
			// replaced. The JVM says "Terminating due to java.lang.OutOfMemoryError" on
			// standard output unless told otherwise; on standard error it reaches the
			// crash exception's last lines, and tells an out-of-memory exit (status 3)
			// from a System.exit(3). First, so that the pool's jvm-args can override
			// them.
			.jvmArgumentsFirst("-XX:+ExitOnOutOfMemoryError", "-XX:+DisplayVMOutputToStderr",
					"-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=" + FatalErrorLog.errorFilePattern(errorDirectory));
		options.systemProperty(WorkerMain.POOL_PROPERTY, settings.name())
			.systemProperty(WorkerMain.SERVICES_PROPERTY, services)
			.systemProperty(WorkerMain.FACTORY_PROPERTY, settings.serviceFactory().getName())
			.systemProperty(WorkerMain.MAX_NESTING_DEPTH_PROPERTY, Integer.toString(settings.maxNestingDepth()))
			.systemProperty(CallReceipt.PROPERTY, receipt.file().toString());
		return options.build();
	}

	/**
	 * Recycle after max-calls-per-worker calls, give or take 10%, so workers do not all
	 * restart at once.
	 */
	private static long recycleAfter(WorkerPoolSettings settings) {
		long max = settings.maxCallsPerWorker();
		if (max <= 0) {
			return Long.MAX_VALUE;
		}
		long jitter = max / 10;
		return Math.max(1, max - jitter + ((jitter > 0) ? ThreadLocalRandom.current().nextLong(2 * jitter + 1) : 0));
	}

	private static WorkerStartException startFailure(String poolName, Proc proc, String what,
			@Nullable Throwable cause) {
		StringBuilder message = new StringBuilder("A worker of pool '").append(poolName)
			.append("' (pid ")
			.append(proc.pid())
			.append(") ")
			.append(what);
		OptionalInt status = proc.exitStatus();
		if (status.isPresent()) {
			message.append("; it exited with ").append(ExitStatus.describe(status.getAsInt()));
		}
		appendErrorLines(message, proc.recentErrorOutput());
		return new WorkerStartException(poolName, proc.pid(), message.toString(), cause);
	}

	/**
	 * Describe an error with its causes: factories wrap what went wrong (reflection in an
	 * InvocationTargetException without a message of its own, Spring in a
	 * BeanCreationException), and the cause is what the reader needs.
	 */
	private static String describe(RemoteError error) {
		StringBuilder description = new StringBuilder();
		for (RemoteError current = error; current != null; current = current.cause()) {
			if (current != error) {
				description.append("; caused by ");
			}
			description.append(current.className());
			if (current.message() != null) {
				description.append(": ").append(current.message());
			}
		}
		return description.toString();
	}

	private static void appendErrorLines(StringBuilder message, List<String> lines) {
		List<String> last = lines.subList(Math.max(0, lines.size() - STDERR_LINES_IN_ERRORS), lines.size());
		if (!last.isEmpty()) {
			message.append(". Its last lines of standard error:");
			last.forEach((line) -> message.append("\n  ").append(line));
		}
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
	 */
	public Protocol.Reply call(MethodTable.Entry entry, byte[][] arguments, Duration timeout) {
		long start = System.nanoTime();
		long deadline = start + timeout.toNanos();
		int callId = ++this.nextCallId;
		try {
			try {
				// The worker acknowledges the call with its reply, or on its own 1 to 33
				// ms after taking it if the call runs longer: one frame each way for a
				// short call. The reply carries the acknowledgement in any case.
				this.chan.sendRequest(Protocol.call(callId, entry.id(), arguments), timeout);
			}
			catch (ChannelClosedException ex) {
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
					throw timedOut(entry, "did not complete within its timeout of " + timeout.toMillis() + " ms",
							timeout);
				}
				byte[] message;
				try {
					message = this.chan.recv(Duration.ofNanos(Math.min(remaining, INTERRUPT_CHECK.toNanos())));
				}
				catch (ChannelTimeoutException ex) {
					continue;
				}
				try {
					Protocol.Reply reply = Protocol.readReply(message, callId, entry.returnType(), this.codec);
					this.callsServed++;
					this.lastUsedNanos = System.nanoTime();
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
				throw timedOut(entry, "did not complete within its timeout of " + timeout.toMillis() + " ms", timeout);
			}
			throw timedOut(entry,
					"could not be handed to the worker within its timeout of " + timeout.toMillis() + " ms", timeout);
		}
		catch (ChannelClosedException ex) {
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
		OptionalInt status = awaitExit();
		String signal = status.isPresent() ? ExitStatus.signalName(status.getAsInt()) : null;
		String fatalError = FatalErrorLog.summary(this.errorDirectory, pid());
		if (signal == null && fatalError != null && fatalError.startsWith("SIG")) {
			// The JVM caught the signal, wrote its log and exited: the log names the
			// signal.
			signal = fatalError.substring(0,
					fatalError.indexOf(' ') > 0 ? fatalError.indexOf(' ') : fatalError.length());
		}
		StringBuilder message = new StringBuilder("Worker pid ").append(pid())
			.append(" of pool '")
			.append(this.poolName)
			.append("' ")
			.append(what);
		if (fatalError != null) {
			message.append("; fatal error: ").append(fatalError);
		}
		status.ifPresent((s) -> message.append("; it exited with ").append(ExitStatus.describe(s)));
		List<String> lines = this.proc.recentErrorOutput();
		appendErrorLines(message, lines);
		this.lastError = message.toString();
		return new WorkerCrashedException(this.poolName, pid(), message.toString(),
				status.isPresent() ? status.getAsInt() : null, signal, lines, fatalError, cause);
	}

	/**
	 * The channel reports a death before the kernel has reaped the process; wait a
	 * moment.
	 */
	private OptionalInt awaitExit() {
		try {
			OptionalInt status = this.proc.waitFor(Duration.ofSeconds(1));
			this.proc.awaitOutputEnd(Duration.ofMillis(200));
			return status;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return this.proc.exitStatus();
		}
	}

	private static String elapsed(long start) {
		return Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms";
	}

	/**
	 * Say goodbye and let the worker exit; kill it if it has not after the grace period.
	 */
	public void retire() {
		try {
			this.chan.send(Protocol.goodbye(), Duration.ofSeconds(1));
		}
		catch (ChannelException ex) {
			// It is gone or stuck; close() below kills it after the grace period.
		}
		this.proc.close();
	}

	/** Kill the worker at once and wait until it is gone. */
	public void kill() {
		this.proc.kill();
		this.proc.close();
	}

	public long pid() {
		return this.proc.pid();
	}

	/**
	 * Describe how the worker's process ended: its exit status, and the summary of the
	 * JVM's fatal error log when it wrote one (after a crash in native code the JVM exits
	 * with status 1, which alone says nothing).
	 * @return the description
	 */
	public String describeExit() {
		OptionalInt status = this.proc.exitStatus();
		String description = status.isPresent() ? ExitStatus.describe(status.getAsInt()) : "unknown status";
		String fatalError = FatalErrorLog.summary(this.errorDirectory, pid());
		return (fatalError != null) ? description + "; fatal error: " + fatalError : description;
	}

	public boolean isAlive() {
		return this.proc.isAlive();
	}

	public Proc proc() {
		return this.proc;
	}

	public Instant startedAt() {
		return this.startedAt;
	}

	public long callsServed() {
		return this.callsServed;
	}

	public boolean dueForRecycling() {
		return this.callsServed >= this.recycleAfter;
	}

	/**
	 * Return whether the worker's resident memory should be read after the call that just
	 * ended: after its first call, then after the first call that ends at least
	 * {@link #MEMORY_CHECK_INTERVAL_NANOS} after the last read. To be called by the
	 * thread that holds the worker's lease.
	 * @return whether to read it now
	 */
	public boolean memoryCheckDue() {
		long now = this.lastUsedNanos;
		if (now - this.memoryCheckedNanos < MEMORY_CHECK_INTERVAL_NANOS) {
			return false;
		}
		this.memoryCheckedNanos = now;
		return true;
	}

	public long lastUsedNanos() {
		return this.lastUsedNanos;
	}

	public @Nullable String lastError() {
		return this.lastError;
	}

	public void recordError(String error) {
		this.lastError = error;
	}

	public boolean isBusy() {
		return this.busy;
	}

	public void setBusy(boolean busy) {
		this.busy = busy;
	}

	/**
	 * Return the worker's resident memory, read from {@code /proc/<pid>/status}.
	 * @return the resident set size in bytes, or -1 if it cannot be read
	 */
	public long residentMemory() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
				if (line.startsWith("VmRSS:")) {
					String[] parts = line.substring(6).trim().split("\\s+");
					return Long.parseLong(parts[0]) * 1024;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// The process is gone, or this is not Linux.
		}
		return -1;
	}

	/**
	 * Return the names of the services, as the worker expects them.
	 * @param interfaces the service interfaces
	 * @param implementations the implementation class names
	 * @return the {@code interface=implementation} pairs
	 */
	public static String describeServices(List<Class<?>> interfaces, List<String> implementations) {
		List<String> pairs = new ArrayList<>();
		for (int i = 0; i < interfaces.size(); i++) {
			pairs.add(interfaces.get(i).getName() + "=" + implementations.get(i));
		}
		return String.join(",", pairs);
	}

	@Override
	public String toString() {
		return "Worker[pool " + this.poolName + ", pid " + pid() + "]";
	}

	/**
	 * A call could not be handed to the worker because it had already died: the call
	 * never ran, so another worker may take it.
	 */
	public static final class UndeliveredCallException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final WorkerCrashedException crash;

		UndeliveredCallException(WorkerCrashedException crash) {
			super(crash.getMessage(), crash);
			this.crash = crash;
		}

		/**
		 * Return the crash, for the caller if no other worker takes the call.
		 * @return the crash
		 */
		public WorkerCrashedException crash() {
			return this.crash;
		}

	}

}
