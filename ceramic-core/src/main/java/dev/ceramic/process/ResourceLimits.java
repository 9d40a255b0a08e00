package dev.ceramic.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

import dev.ceramic.Durations;
import org.jspecify.annotations.Nullable;

/**
 * Limits the kernel enforces on one child process alone ({@code setrlimit(2)}), set
 * before the JVM starts: its data size ({@code RLIMIT_DATA}, private writable memory,
 * which is what a JVM commits and a native leak grows), its CPU time
 * ({@code RLIMIT_CPU}), its open files ({@code RLIMIT_NOFILE}) and whether it may write
 * core files ({@code RLIMIT_CORE}). Each is set as both the soft and the hard limit, so
 * the child cannot raise it, except CPU time: its hard limit is one second above the soft
 * one, so that the kernel first sends {@code SIGXCPU}, which the JVM leaves at its
 * default action (the process ends, and its exit status names the signal), and kills with
 * {@code SIGKILL} only a process that ignores it.
 */
public final class ResourceLimits {

	private static final ResourceLimits NONE = new ResourceLimits(0, 0, 0, true);

	private final long dataSize;

	private final long cpuSeconds;

	private final int openFiles;

	private final boolean coreDumps;

	private ResourceLimits(long dataSize, long cpuSeconds, int openFiles, boolean coreDumps) {
		this.dataSize = dataSize;
		this.cpuSeconds = cpuSeconds;
		this.openFiles = openFiles;
		this.coreDumps = coreDumps;
	}

	/**
	 * Return no limits: the child inherits this process's.
	 * @return no limits
	 */
	public static ResourceLimits none() {
		return NONE;
	}

	/**
	 * Return these limits with a data size limit.
	 * @param bytes the most private writable memory the child may map, a positive number
	 * of bytes (the kernel counts in whole kibibytes; it is rounded up)
	 * @return the limits
	 */
	public ResourceLimits withDataSize(long bytes) {
		if (bytes <= 0) {
			throw new IllegalArgumentException("The data size limit must be positive, but was " + bytes);
		}
		return new ResourceLimits(bytes, this.cpuSeconds, this.openFiles, this.coreDumps);
	}

	/**
	 * Return these limits with a CPU time limit.
	 * @param cpuTime the CPU time (user and system, all threads) the child may use over
	 * its life, rounded up to whole seconds
	 * @return the limits
	 */
	public ResourceLimits withCpuTime(Duration cpuTime) {
		if (cpuTime.isZero() || cpuTime.isNegative()) {
			throw new IllegalArgumentException(
					"The CPU time limit must be positive, but was " + Durations.format(cpuTime));
		}
		long seconds = cpuTime.getSeconds() + ((cpuTime.getNano() > 0) ? 1 : 0);
		return new ResourceLimits(this.dataSize, seconds, this.openFiles, this.coreDumps);
	}

	/**
	 * Return these limits with an open files limit.
	 * @param openFiles one more than the highest file descriptor the child may open
	 * @return the limits
	 */
	public ResourceLimits withOpenFiles(int openFiles) {
		if (openFiles <= 0) {
			throw new IllegalArgumentException("The open files limit must be positive, but was " + openFiles);
		}
		return new ResourceLimits(this.dataSize, this.cpuSeconds, openFiles, this.coreDumps);
	}

	/**
	 * Return these limits with core files allowed as inherited, or off.
	 * @param coreDumps {@code false} to set the core file size limit to 0
	 * @return the limits
	 */
	public ResourceLimits withCoreDumps(boolean coreDumps) {
		return new ResourceLimits(this.dataSize, this.cpuSeconds, this.openFiles, coreDumps);
	}

	/**
	 * Return the data size limit.
	 * @return the bytes, or empty for none
	 */
	public OptionalLong dataSize() {
		return (this.dataSize > 0) ? OptionalLong.of(this.dataSize) : OptionalLong.empty();
	}

	/**
	 * Return the CPU time limit, in whole seconds: the soft limit, at which the kernel
	 * sends {@code SIGXCPU}.
	 * @return the seconds, or empty for none
	 */
	public OptionalLong cpuSeconds() {
		return (this.cpuSeconds > 0) ? OptionalLong.of(this.cpuSeconds) : OptionalLong.empty();
	}

	/**
	 * Return the open files limit.
	 * @return the limit, or empty for none
	 */
	public OptionalInt openFiles() {
		return (this.openFiles > 0) ? OptionalInt.of(this.openFiles) : OptionalInt.empty();
	}

	/**
	 * Whether core files are left as inherited ({@code true}) or off.
	 * @return whether core files are left as inherited
	 */
	public boolean coreDumps() {
		return this.coreDumps;
	}

	/**
	 * Whether any limit is set.
	 * @return whether any limit is set
	 */
	public boolean isEmpty() {
		return this.dataSize == 0 && this.cpuSeconds == 0 && this.openFiles == 0 && this.coreDumps;
	}

	/**
	 * Return the command that runs {@code command} under these limits: {@code /bin/sh}
	 * sets them with its {@code ulimit} built-in and then {@code exec}s the command, so
	 * the child keeps the shell's pid and the command line shows nothing but the command.
	 * With no limits, the command itself.
	 * @param command the command
	 * @return the command under these limits
	 */
	List<String> wrap(List<String> command) {
		if (isEmpty()) {
			return command;
		}
		// Each ulimit sets soft and hard limits at once, unless -S; a failure (a hard
		// limit this process cannot raise) stops the start with the shell's message.
		StringBuilder script = new StringBuilder("set -e");
		if (this.dataSize > 0) {
			script.append("; ulimit -d ").append((this.dataSize + 1023) / 1024);
		}
		if (this.cpuSeconds > 0) {
			script.append("; ulimit -t ").append(this.cpuSeconds + 1);
			script.append("; ulimit -S -t ").append(this.cpuSeconds);
		}
		if (this.openFiles > 0) {
			script.append("; ulimit -n ").append(this.openFiles);
		}
		if (!this.coreDumps) {
			script.append("; ulimit -c 0");
		}
		script.append("; exec \"$0\" \"$@\"");
		List<String> wrapped = new ArrayList<>(command.size() + 3);
		wrapped.add("/bin/sh");
		wrapped.add("-c");
		wrapped.add(script.toString());
		wrapped.addAll(command);
		return wrapped;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return (other instanceof ResourceLimits that) && this.dataSize == that.dataSize
				&& this.cpuSeconds == that.cpuSeconds && this.openFiles == that.openFiles
				&& this.coreDumps == that.coreDumps;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.dataSize, this.cpuSeconds, this.openFiles, this.coreDumps);
	}

	@Override
	public String toString() {
		return "ResourceLimits[dataSize=" + this.dataSize + ", cpuSeconds=" + this.cpuSeconds + ", openFiles="
				+ this.openFiles + ", coreDumps=" + this.coreDumps + "]";
	}

}
