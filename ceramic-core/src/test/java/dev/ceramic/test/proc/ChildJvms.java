package dev.ceramic.test.proc;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.ceramic.process.ProcOptions;

/**
 * Helpers shared by the tests that start real child JVMs, and by the children that
 * misbehave on their channel.
 */
public final class ChildJvms {

	private ChildJvms() {
	}

	/**
	 * Options for a test child: quick to start on a small machine (C1 only, serial GC)
	 * and named so that its logger is easy to find.
	 * @param name the name of the child
	 * @return a builder to add to
	 */
	public static ProcOptions.Builder options(String name) {
		return ProcOptions.builder()
			.name(name)
			.jvmArguments("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
			.startupTimeout(Duration.ofSeconds(20));
	}

	/**
	 * Whether a process is running. A zombie (exited, not yet reaped) is not, although
	 * {@link ProcessHandle#isAlive()} says it is: an orphan stays a zombie until init
	 * reaps it, which some inits do only now and then.
	 * @param pid the pid
	 * @return whether it runs
	 */
	public static boolean isAlive(long pid) {
		if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
			return false;
		}
		String stat;
		try {
			stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		}
		catch (IOException ex) {
			return false; // gone in the meantime
		}
		// The state follows the command name, which is in parentheses and may hold
		// spaces.
		char state = stat.charAt(stat.lastIndexOf(')') + 2);
		return state != 'Z' && state != 'X';
	}

	/**
	 * From inside a child: write onto its end of the socketpair, which is its standard
	 * input, behind the back of its channel, as a broken child would.
	 * @param bytes the bytes to write
	 */
	public static void writeBehindTheChannel(byte[] bytes) {
		try {
			OutputStream raw = new FileOutputStream(FileDescriptor.in);
			raw.write(bytes);
			raw.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Kill a process with SIGKILL if it still runs, and wait until it is gone. For
	 * {@code finally} blocks, so that nothing outlives a failed test.
	 * @param pid the pid
	 */
	public static void killQuietly(long pid) {
		ProcessHandle.of(pid).ifPresent((handle) -> {
			handle.destroyForcibly();
			try {
				handle.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// Best effort: the test reports its own failure.
			}
		});
	}

}
