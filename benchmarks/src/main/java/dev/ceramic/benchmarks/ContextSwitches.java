package dev.ceramic.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.ToLongFunction;

/**
 * Scheduler counters from {@code /proc} (Linux only; 0 elsewhere): context switches
 * (every time a thread blocks and is woken again counts one) and nanoseconds spent on a
 * CPU.
 */
final class ContextSwitches {

	private ContextSwitches() {
	}

	static long ofCurrentThread() {
		return read(Path.of("/proc/thread-self/status"));
	}

	/** The sum over all threads of a process. */
	static long ofProcess(long pid) {
		return sumOverThreads(pid, "status", ContextSwitches::read);
	}

	static long cpuNanosOfCurrentThread() {
		return cpuNanos(Path.of("/proc/thread-self/schedstat"));
	}

	/** The CPU time of all threads of a process. */
	static long cpuNanosOfProcess(long pid) {
		return sumOverThreads(pid, "schedstat", ContextSwitches::cpuNanos);
	}

	/** Sum a figure read from one file of each thread's {@code /proc} directory. */
	private static long sumOverThreads(long pid, String file, ToLongFunction<Path> figure) {
		long sum = 0;
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
			for (Path task : tasks) {
				sum += figure.applyAsLong(task.resolve(file));
			}
		}
		catch (IOException ex) {
			return 0;
		}
		return sum;
	}

	private static long cpuNanos(Path schedstat) {
		try {
			String text = Files.readString(schedstat).trim();
			return Long.parseLong(text.substring(0, text.indexOf(' ')));
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	private static long read(Path status) {
		long sum = 0;
		try {
			for (String line : Files.readAllLines(status)) {
				if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
					sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
		return sum;
	}

}
