package dev.ceramic.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import dev.ceramic.process.ExitStatus;
import dev.ceramic.process.Proc;
import dev.ceramic.process.ResourceLimits;
import org.jspecify.annotations.Nullable;

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
		List<String> lines = this.proc.recentErrorOutput();
		String exceeded = exceededLimit(this.proc.limits(), signal, fatalError, lines);
		if (exceeded != null) {
			message.append("; it ").append(exceeded);
		}
		if (fatalError != null) {
			message.append("; fatal error: ").append(fatalError);
		}
		status.ifPresent((s) -> message.append("; it exited with ").append(ExitStatus.describe(s)));
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
		String signal = status.isPresent() ? ExitStatus.signalName(status.getAsInt()) : null;
		String exceeded = exceededLimit(this.proc.limits(), signal, fatalError, this.proc.recentErrorOutput());
		if (exceeded != null) {
			description = description + " (it " + exceeded + ")";
		}
		return (fatalError != null) ? description + "; fatal error: " + fatalError : description;
	}

	/**
	 * Name the limit a dead worker passed, when its end shows it: {@code SIGXCPU} is the
	 * kernel's word for its CPU time limit, and with a data size limit set, a failed
	 * native allocation (the JVM's fatal "Native memory allocation ... failed", or an
	 * {@code OutOfMemoryError} that is not about the Java heap or metaspace) is that
	 * limit's.
	 * @return for example {@code "exceeded limits.cpu-time of 10s"}, or {@code null}
	 */
	static @Nullable String exceededLimit(ResourceLimits limits, @Nullable String signal, @Nullable String fatalError,
			List<String> errorLines) {
		if ("SIGXCPU".equals(signal) && limits.cpuSeconds().isPresent()) {
			return "exceeded " + WorkerPoolSettings.Limits.CPU_TIME + " of " + limits.cpuSeconds().getAsLong() + "s";
		}
		if (limits.dataSize().isPresent() && (isNativeMemoryFailure(fatalError)
				|| errorLines.stream().anyMatch(CrashReport::isNativeMemoryFailure))) {
			return "exceeded " + WorkerPoolSettings.Limits.DATA_SIZE + " of "
					+ describeSize(limits.dataSize().getAsLong());
		}
		return null;
	}

	private static boolean isNativeMemoryFailure(@Nullable String text) {
		if (text == null) {
			return false;
		}
		if (text.contains("Native memory allocation") || text.contains("insufficient memory")
				|| text.contains("unable to create native thread")) {
			return true;
		}
		return text.contains("java.lang.OutOfMemoryError") && !text.contains("Java heap space")
				&& !text.contains("Metaspace") && !text.contains("GC overhead")
				&& !text.contains("Compressed class space") && !text.contains("Requested array size")
				&& !text.contains("Direct buffer memory");
	}

	static String describeSize(long bytes) {
		long mebibyte = 1024 * 1024;
		if (bytes % (1024 * mebibyte) == 0) {
			return (bytes / (1024 * mebibyte)) + "GB";
		}
		if (bytes % mebibyte == 0) {
			return (bytes / mebibyte) + "MB";
		}
		return (bytes % 1024 == 0) ? (bytes / 1024) + "KB" : bytes + "B";
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
