package dev.ceramic.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.ceramic.Durations;
import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelException;
import dev.ceramic.channel.ChildEnd;
import dev.ceramic.platform.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * A child JVM that runs a {@link ProcMain} with its end of a {@link Chan}.
 *
 * <pre class="code">
 * Chan chan = Chan.open();
 * try (Proc proc = Proc.start(Echo.class, chan, ProcOptions.defaults())) {
 *     chan.send("hello".getBytes());
 *     byte[] reply = chan.recv();
 * }
 * </pre>
 *
 * <ul>
 * <li>The child gets the other end of the channel as its standard input, the parent's
 * classpath (or whatever the {@link LaunchMode} gives it), and nothing else: the JDK
 * closes every other inherited descriptor.</li>
 * <li>Its standard output and error are forwarded line by line to SLF4J, under the logger
 * {@code ceramic.proc.<name>}, each line tagged with the child's pid, and with the MDC
 * keys {@code ceramic.process} (the name; a pool's name for its workers) and
 * {@code ceramic.pid}.</li>
 * <li>It exits within a second of the parent's death (it notices within 100 ms; the JVM's
 * exit then waits up to about 300 ms for threads in native code), even when they are
 * stuck in native code.</li>
 * <li>{@link #start} returns once the child is about to run its entry class.</li>
 * </ul>
 */
public final class Proc implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Proc.class);

	private final String name;

	private final Process process;

	private final Chan chan;

	private final Duration closeGrace;

	private final ResourceLimits limits;

	private final OutputForwarder stdout;

	private final OutputForwarder stderr;

	private Proc(String name, Process process, Chan chan, Duration closeGrace, ResourceLimits limits,
			OutputForwarder stdout, OutputForwarder stderr) {
		this.name = name;
		this.process = process;
		this.chan = chan;
		this.closeGrace = closeGrace;
		this.limits = limits;
		this.stdout = stdout;
		this.stderr = stderr;
	}

	/**
	 * Start a child JVM that runs {@code entry} with the other end of {@code chan}.
	 * @param entry the class the child runs; it needs a no-argument constructor
	 * @param chan this process's end of a channel from {@link Chan#open()}, whose peer
	 * end goes to the child
	 * @param options how to start the child
	 * @return the running child, ready to talk on {@code chan}
	 * @throws ProcStartException if the child could not be started or did not become
	 * ready
	 */
	public static Proc start(Class<? extends ProcMain> entry, Chan chan, ProcOptions options) {
		String name = (options.name() != null) ? options.name() : entry.getSimpleName();
		if (!Platform.supports(Platform.Capability.SOCKET_AS_STANDARD_INPUT)) {
			throw new ProcStartException("junixsocket on this platform cannot hand a socket to a child process "
					+ "(CAPABILITY_FD_AS_REDIRECT is missing), so Proc cannot start '" + name + "'");
		}
		ChildEnd childEnd = chan.takeChildEnd();
		Process process;
		try {
			ProcessBuilder builder = new ProcessBuilder(command(entry, chan, options));
			configureEnvironment(builder, options);
			if (options.workingDirectory() != null) {
				builder.directory(options.workingDirectory().toFile());
			}
			builder.redirectInput(childEnd.asStandardInput());
			process = builder.start();
		}
		catch (IOException | RuntimeException ex) {
			chan.close();
			throw new ProcStartException("Could not launch child process '" + name + "' with "
					+ options.javaExecutable() + ": " + ex.getMessage(), ex);
		}
		finally {
			// Close the parent's copy of the child's end, or the parent never sees
			// end-of-stream when the child dies.
			childEnd.close();
		}
		CountDownLatch ready = new CountDownLatch(1);
		Logger output = LoggerFactory.getLogger("ceramic.proc." + name);
		OutputForwarder stdout = new OutputForwarder(process.getInputStream(), output, false, Level.INFO, name,
				process.pid(), ready);
		OutputForwarder stderr = new OutputForwarder(process.getErrorStream(), output, true, options.errorOutputLevel(),
				name, process.pid(), ready);
		startDaemon(stdout, "ceramic-proc-" + name + "-" + process.pid() + "-stdout");
		startDaemon(stderr, "ceramic-proc-" + name + "-" + process.pid() + "-stderr");
		Proc proc = new Proc(name, process, chan, options.closeGrace(), options.limits(), stdout, stderr);
		proc.awaitReady(ready, options.startupTimeout());
		logger.debug("Started child process '{}' (pid {}) running {} from a {}", name, process.pid(), entry.getName(),
				options.launchMode().describe());
		return proc;
	}

	private static List<String> command(Class<? extends ProcMain> entry, Chan chan, ProcOptions options) {
		List<String> jvmArguments = new ArrayList<>();
		int javaVersion = javaFeatureVersion(options.javaExecutable());
		if (javaVersion >= 22) {
			// junixsocket's native library would otherwise print "restricted method"
			// warnings.
			jvmArguments.add("--enable-native-access=ALL-UNNAMED");
		}
		// OutputForwarder reads UTF-8, whatever the child's locale says.
		String encoding = (javaVersion >= 19) ? "-D" : "-Dsun.";
		jvmArguments.add(encoding + "stdout.encoding=UTF-8");
		jvmArguments.add(encoding + "stderr.encoding=UTF-8");
		jvmArguments.addAll(StartupCache.jvmArguments(options));
		if (!chan.options().spinBeforeBlocking().isZero()) {
			jvmArguments.add("-D" + ChildMain.SPIN_PROPERTY + "=" + chan.options().spinBeforeBlocking().toNanos());
		}
		jvmArguments.addAll(options.jvmArguments());
		for (Map.Entry<String, String> property : options.systemProperties().entrySet()) {
			jvmArguments.add("-D" + property.getKey() + "=" + property.getValue());
		}
		List<String> arguments = List.of(Long.toString(ProcessHandle.current().pid()),
				Integer.toString(chan.options().maxFrameSize()), Integer.toString(chan.options().maxFileDescriptors()),
				entry.getName());
		return options.limits()
			.wrap(options.launchMode()
				.command(options.javaExecutable().toString(), jvmArguments, ChildMain.class.getName(), arguments));
	}

	private static void configureEnvironment(ProcessBuilder builder, ProcOptions options) {
		Map<String, String> environment = builder.environment();
		if (!options.inheritEnvironment()) {
			environment.clear();
		}
		options.removedEnvironment().forEach(environment::remove);
		environment.putAll(options.environment());
	}

	/**
	 * Return the feature version of the JDK that an executable belongs to, read from the
	 * {@code release} file of its home, or this JVM's version when that cannot be read.
	 */
	static int javaFeatureVersion(Path javaExecutable) {
		Path current = ProcOptions.currentJava();
		if (javaExecutable.equals(current)) {
			return Runtime.version().feature();
		}
		Path executable;
		try {
			// /usr/bin/java and the like are links into the JDK.
			executable = javaExecutable.toRealPath();
		}
		catch (IOException ex) {
			executable = javaExecutable.toAbsolutePath();
		}
		Path home = executable.getParent();
		home = (home != null) ? home.getParent() : null;
		if (home != null) {
			try {
				for (String line : Files.readAllLines(home.resolve("release"))) {
					if (line.startsWith("JAVA_VERSION=")) {
						String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
						return Runtime.Version.parse(version).feature();
					}
				}
			}
			catch (IOException | IllegalArgumentException ex) {
				// Fall through to this JVM's version.
			}
		}
		return Runtime.version().feature();
	}

	private static void startDaemon(Runnable task, String threadName) {
		Thread thread = new Thread(task, threadName);
		thread.setDaemon(true);
		thread.start();
	}

	private void awaitReady(CountDownLatch ready, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (!ready.await(20, TimeUnit.MILLISECONDS)) {
				if (!this.process.isAlive()) {
					// It may have become ready and exited at once, with its
					// ready line still in the forwarding of its output, which
					// ends now that it is gone. Then it did start.
					this.stdout.awaitEnd(Math.max(500, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
					if (ready.getCount() == 0) {
						return;
					}
					this.stderr.awaitEnd(500);
					throw startFailure("exited during start-up with " + ExitStatus.describe(this.process.exitValue()));
				}
				if (System.nanoTime() - deadline > 0) {
					if (killAndAwaitExit()) {
						Thread.currentThread().interrupt();
					}
					throw startFailure("did not become ready within the start-up timeout of "
							+ Durations.format(timeout) + " and was killed");
				}
			}
		}
		catch (InterruptedException ex) {
			killAndAwaitExit();
			Thread.currentThread().interrupt();
			throw new ProcStartException("Interrupted while starting child process '" + this.name + "'", ex);
		}
	}

	/**
	 * Kill the child with SIGKILL and wait until it is gone: a caller that gets a
	 * {@link ProcStartException} has no handle to wait for it. SIGKILL cannot be ignored,
	 * so the wait is short and is not cut by interrupts.
	 * @return whether the thread was interrupted while waiting
	 */
	private boolean killAndAwaitExit() {
		this.process.destroyForcibly();
		boolean interrupted = false;
		while (true) {
			try {
				this.process.waitFor();
				return interrupted;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
	}

	private ProcStartException startFailure(String what) {
		this.chan.close();
		StringBuilder message = new StringBuilder("Child process '").append(this.name)
			.append("' (pid ")
			.append(pid())
			.append(") ")
			.append(what);
		List<String> lines = this.stderr.lastLines();
		if (!lines.isEmpty()) {
			message.append(". Its last lines of standard error:");
			lines.forEach((line) -> message.append("\n  ").append(line));
		}
		return new ProcStartException(message.toString());
	}

	/**
	 * Return the name of this process, used in its logger name and in errors.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return the child's pid.
	 * @return the pid
	 */
	public long pid() {
		return this.process.pid();
	}

	/**
	 * Return the limits the kernel enforces on the child.
	 * @return the limits
	 */
	public ResourceLimits limits() {
		return this.limits;
	}

	/**
	 * Return the parent's end of the channel.
	 * @return the channel
	 */
	public Chan chan() {
		return this.chan;
	}

	/**
	 * Whether the child is still running.
	 * @return whether it is alive
	 */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Return the child's exit status once it has exited: its exit code, or 128 plus the
	 * number of the signal that killed it (see {@link ExitStatus}).
	 * @return the status, or empty while it runs
	 */
	public OptionalInt exitStatus() {
		return this.process.isAlive() ? OptionalInt.empty() : OptionalInt.of(this.process.exitValue());
	}

	/**
	 * Wait for the child to exit.
	 * @return its exit status
	 * @throws InterruptedException if interrupted while waiting
	 */
	public int waitFor() throws InterruptedException {
		return this.process.waitFor();
	}

	/**
	 * Wait at most {@code timeout} for the child to exit.
	 * @param timeout how long to wait
	 * @return its exit status, or empty if it is still running
	 * @throws InterruptedException if interrupted while waiting
	 */
	public OptionalInt waitFor(Duration timeout) throws InterruptedException {
		return this.process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS) ? OptionalInt.of(this.process.exitValue())
				: OptionalInt.empty();
	}

	/**
	 * Return a future that completes when the child exits.
	 * @return the future
	 */
	public CompletableFuture<Proc> onExit() {
		return this.process.onExit().thenApply((process) -> this);
	}

	/**
	 * Return the child's last lines of standard error, oldest first.
	 * @return the lines
	 */
	public List<String> recentErrorOutput() {
		return this.stderr.lastLines();
	}

	/**
	 * Wait until the child's standard output and error have been read to their end, which
	 * happens soon after it exits, so that {@link #recentErrorOutput()} holds its last
	 * words.
	 * @param timeout how long to wait at most
	 */
	public void awaitOutputEnd(Duration timeout) {
		long millis = timeout.toMillis();
		this.stderr.awaitEnd(millis);
		this.stdout.awaitEnd(millis);
	}

	/**
	 * Return the child's last lines of standard output, oldest first.
	 * @return the lines
	 */
	public List<String> recentOutput() {
		return this.stdout.lastLines();
	}

	/**
	 * Kill the child at once with SIGKILL. The parent's end of the channel stays open,
	 * and its blocked calls fail with a
	 * {@link dev.ceramic.channel.ChannelClosedException} whose reason is
	 * {@code PEER_GONE}.
	 */
	public void kill() {
		this.process.destroyForcibly();
	}

	/**
	 * Close the channel, give the child its grace period to exit, then kill it with
	 * SIGKILL, and wait until it is gone.
	 */
	@Override
	public void close() {
		try {
			this.chan.close();
		}
		catch (ChannelException ex) {
			// The child is stopped below either way.
		}
		boolean interrupted = false;
		try {
			if (!this.process.waitFor(this.closeGrace.toNanos(), TimeUnit.NANOSECONDS)) {
				logger.debug("Child process '{}' (pid {}) did not exit within {} of its channel closing; killing it",
						this.name, pid(), Durations.format(this.closeGrace));
			}
		}
		catch (InterruptedException ex) {
			interrupted = true;
		}
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			while (true) {
				try {
					this.process.waitFor();
					break;
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String toString() {
		Optional<Integer> status = this.process.isAlive() ? Optional.empty() : Optional.of(this.process.exitValue());
		return "Proc[" + this.name + ", pid " + pid() + status.map((s) -> ", " + ExitStatus.describe(s)).orElse("")
				+ "]";
	}

}
