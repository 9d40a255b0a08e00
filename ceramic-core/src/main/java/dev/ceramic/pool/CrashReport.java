package dev.ceramic.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import dev.ceramic.process.ExitStatus;
import dev.ceramic.process.Proc;

/**
 * What a dead worker left behind, told to the caller: its exit status, the signal that
 * killed it, its last lines of standard error and the summary of the JVM's fatal error
 * log.
 */
final class CrashReport {

	private static final int STDERR_LINES_IN_ERRORS = 10;

	private final String poolName;

	private final Proc proc;

	private final Path errorDirectory;

	CrashReport(String poolName, Proc proc, Path errorDirectory) {
		this.poolName = poolName;
		this.proc = proc;
		this.errorDirectory = errorDirectory;
	}

	/**
	 * Build the exception for a worker that died or was killed.
	 * @param what what the worker did, after "Worker pid N of pool 'x' "
	 * @param cause what the application saw
	 * @return the exception
	 */
	WorkerCrashedException crashed(String what, Throwable cause) {
		OptionalInt status = awaitExit();
		String signal = status.isPresent() ? ExitStatus.signalName(status.getAsInt()) : null;
		String fatalError = FatalErrorLog.summary(this.errorDirectory, this.proc.pid());
		if (signal == null && fatalError != null && fatalError.startsWith("SIG")) {
			// The JVM caught the signal, wrote its log and exited: the log names the
			// signal.
			signal = fatalError.substring(0,
					fatalError.indexOf(' ') > 0 ? fatalError.indexOf(' ') : fatalError.length());
		}
		StringBuilder message = new StringBuilder("Worker pid ").append(this.proc.pid())
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
		return new WorkerCrashedException(this.poolName, this.proc.pid(), message.toString(),
				status.isPresent() ? status.getAsInt() : null, signal, lines, fatalError, cause);
	}

	/**
	 * Describe how the worker's process ended: its exit status, and the summary of the
	 * JVM's fatal error log when it wrote one (after a crash in native code the JVM exits
	 * with status 1, which alone says nothing).
	 * @return the description
	 */
	String describeExit() {
		OptionalInt status = this.proc.exitStatus();
		String description = status.isPresent() ? ExitStatus.describe(status.getAsInt()) : "unknown status";
		String fatalError = FatalErrorLog.summary(this.errorDirectory, this.proc.pid());
		return (fatalError != null) ? description + "; fatal error: " + fatalError : description;
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

	private static void appendErrorLines(StringBuilder message, List<String> lines) {
		List<String> last = lines.subList(Math.max(0, lines.size() - STDERR_LINES_IN_ERRORS), lines.size());
		if (!last.isEmpty()) {
			message.append(". Its last lines of standard error:");
			last.forEach((line) -> message.append("\n  ").append(line));
		}
	}

	/**
	 * Tell how a worker that failed to start ended: {@code "; it exited with ..."} when
	 * it has exited, then its last lines of standard error.
	 * @param message the message to append to
	 * @param proc the process
	 */
	static void appendExit(StringBuilder message, Proc proc) {
		OptionalInt status = proc.exitStatus();
		if (status.isPresent()) {
			message.append("; it exited with ").append(ExitStatus.describe(status.getAsInt()));
		}
		appendErrorLines(message, proc.recentErrorOutput());
	}

}
