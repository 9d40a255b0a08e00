package dev.ceramic.process;

import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.Optional;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChanOptions;

/**
 * The {@code main} of every child JVM that {@link Proc} starts. It watches for the
 * parent's death, takes its end of the channel from standard input, tells the parent it
 * is ready, and runs the entry class.
 *
 * <p>
 * Arguments: the parent's pid, the channel's maximum frame size, its maximum number of
 * file descriptors a message, and the entry class name.
 */
public final class ChildMain {

	/**
	 * The line a child prints on standard output once it is about to run its entry class.
	 */
	static final String READY_LINE = "\u0001ceramic-child-ready";

	/**
	 * How many arguments {@link Proc} passes, after the main class: the last ones of the
	 * command.
	 */
	public static final int ARGUMENT_COUNT = 4;

	/**
	 * The system property that carries the channel's
	 * {@link ChanOptions#spinBeforeBlocking()} in nanoseconds, set only when it is not
	 * zero.
	 */
	static final String SPIN_PROPERTY = "ceramic.channel.spinBeforeBlockingNanos";

	/** The exit status of a child that ends because its parent died. */
	public static final int ORPHANED_EXIT_STATUS = 125;

	/** The exit status of a child whose entry class could not be loaded or made. */
	public static final int BAD_ENTRY_EXIT_STATUS = 126;

	private static final long PARENT_CHECK_INTERVAL_MILLIS = 100;

	private ChildMain() {
	}

	public static void main(String[] args) {
		if (args.length != ARGUMENT_COUNT) {
			System.err.println("ChildMain is started by dev.ceramic.process.Proc, not by hand");
			System.exit(2);
		}
		long parentPid = Long.parseLong(args[0]);
		watchParent(parentPid);
		Duration spin = Duration.ofNanos(Long.getLong(SPIN_PROPERTY, 0));
		ChanOptions options = new ChanOptions(Integer.parseInt(args[1]), Integer.parseInt(args[2]), spin);
		// First, so that junixsocket loads in the background while the entry class does.
		Chan chan = Chan.fromStandardInput(options);
		ProcMain entry = instantiate(args[3]);
		PrintStream out = System.out;
		out.println(READY_LINE);
		out.flush();
		int status = 0;
		try {
			entry.run(chan);
		}
		catch (Throwable ex) {
			System.err.println("The entry class " + args[3] + " of this child process failed:");
			ex.printStackTrace();
			status = 1;
		}
		finally {
			chan.close();
		}
		System.exit(status);
	}

	private static ProcMain instantiate(String className) {
		try {
			Class<?> type = Class.forName(className, true, ChildMain.class.getClassLoader());
			if (!ProcMain.class.isAssignableFrom(type)) {
				throw new IllegalArgumentException(className + " does not implement " + ProcMain.class.getName());
			}
			Constructor<?> constructor = type.getDeclaredConstructor();
			constructor.setAccessible(true);
			return (ProcMain) constructor.newInstance();
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			// A constructor that threw is wrapped; its own exception is the news.
			Throwable reason = (ex instanceof java.lang.reflect.InvocationTargetException invocation
					&& invocation.getCause() != null) ? invocation.getCause() : ex;
			System.err.println("Cannot run entry class " + className + ": " + reason);
			reason.printStackTrace();
			System.exit(BAD_ENTRY_EXIT_STATUS);
			throw new AssertionError(ex);
		}
	}

	/**
	 * End this process when the parent dies. When a parent dies its children are handed
	 * to another process (init or a subreaper), so a changed parent pid means that the
	 * parent is gone. {@code Runtime.halt} ends the JVM even while its threads are stuck
	 * in native code, which no signal handler or shutdown hook could rely on.
	 */
	private static void watchParent(long parentPid) {
		Thread watchdog = new Thread(() -> {
			while (true) {
				Optional<ProcessHandle> parent = ProcessHandle.current().parent();
				if (parent.isEmpty() || parent.get().pid() != parentPid) {
					Runtime.getRuntime().halt(ORPHANED_EXIT_STATUS);
				}
				try {
					Thread.sleep(PARENT_CHECK_INTERVAL_MILLIS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}, "ceramic-parent-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
	}

}
