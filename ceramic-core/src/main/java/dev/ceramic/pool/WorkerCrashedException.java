package dev.ceramic.pool;

import java.util.List;
import java.util.OptionalInt;

import org.jspecify.annotations.Nullable;

/**
 * The worker running the call died (a crash in native code, {@code System.exit}, an
 * out-of-memory exit, a kill from outside) or broke the protocol and was killed. The
 * worker is replaced; the call may or may not have had effects before the worker died.
 */
public final class WorkerCrashedException extends WorkerPoolException {

	private static final long serialVersionUID = 1L;

	private final @Nullable Integer exitStatus;

	private final @Nullable String signal;

	private final List<String> lastErrorLines;

	private final @Nullable String fatalErrorSummary;

	WorkerCrashedException(String poolName, long workerPid, String message, @Nullable Integer exitStatus,
			@Nullable String signal, List<String> lastErrorLines, @Nullable String fatalErrorSummary,
			@Nullable Throwable cause) {
		super(poolName, workerPid, message, cause);
		this.exitStatus = exitStatus;
		this.signal = signal;
		this.lastErrorLines = List.copyOf(lastErrorLines);
		this.fatalErrorSummary = fatalErrorSummary;
	}

	/**
	 * Return the worker's exit status, if it exited.
	 * @return the exit status: the exit code, or 128 plus the signal number
	 */
	public OptionalInt exitStatus() {
		return (this.exitStatus != null) ? OptionalInt.of(this.exitStatus) : OptionalInt.empty();
	}

	/**
	 * Return the name of the signal that killed the worker, such as {@code SIGKILL}; for
	 * a JVM that caught a fatal signal (such as {@code SIGSEGV} in native code), wrote
	 * its fatal error log and exited, the signal that log names.
	 * @return the signal name, or {@code null} if it exited normally or is not known
	 */
	public @Nullable String signal() {
		return this.signal;
	}

	/**
	 * Return what happened to which worker, safe to show to anyone: the pool, the pid,
	 * and the signal or exit status, without the worker's standard error or any path
	 * (those are in {@link #getMessage()}, for logs and operators).
	 * @return the summary, such as
	 * {@code "Worker pid 4242 of pool 'native' crashed: signal SIGSEGV"}
	 */
	public String summary() {
		StringBuilder summary = new StringBuilder("Worker pid ").append(workerPid().orElse(0))
			.append(" of pool '")
			.append(poolName())
			.append("' crashed");
		if (this.signal != null) {
			summary.append(": signal ").append(this.signal);
		}
		else if (this.exitStatus != null) {
			summary.append(": exit status ").append(this.exitStatus);
		}
		return summary.toString();
	}

	/**
	 * Return the worker's last lines of standard error.
	 * @return the lines, oldest first
	 */
	public List<String> lastErrorLines() {
		return this.lastErrorLines;
	}

	/**
	 * Return the summary of the JVM's fatal error log ({@code hs_err_pid*.log}) when the
	 * worker wrote one: the signal and the problematic frame.
	 * @return the summary, or {@code null}
	 */
	public @Nullable String fatalErrorSummary() {
		return this.fatalErrorSummary;
	}

}
