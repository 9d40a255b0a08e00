package dev.ceramic.pool;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import dev.ceramic.Durations;
import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChanOptions;
import dev.ceramic.channel.ChannelException;
import dev.ceramic.channel.ChannelTimeoutException;
import dev.ceramic.channel.JsonCodec;
import dev.ceramic.process.Proc;
import dev.ceramic.process.ProcOptions;
import dev.ceramic.process.ProcStartException;
import dev.ceramic.process.StartupArchive;
import org.jspecify.annotations.Nullable;

/**
 * Starts one worker JVM and waits for its greeting: a worker that greets rightly is ready
 * for calls; any other start-up ends in a {@link WorkerStartException} that says why.
 */
final class WorkerLauncher {

	private WorkerLauncher() {
	}

	/**
	 * Start a worker and wait for its greeting.
	 * @param settings the pool's settings
	 * @param services the services
	 * @param table the pool's method table, whose fingerprint the worker must match
	 * @param codec the codec
	 * @param errorDirectory where workers write fatal error logs, and where the worker's
	 * call receipt is made
	 * @return the ready worker
	 * @throws WorkerStartException if it could not start
	 */
	static Worker start(WorkerPoolSettings settings, List<Protocol.Service> services, MethodTable table,
			JsonCodec codec, Path errorDirectory) {
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

	private static Worker start(WorkerPoolSettings settings, List<Protocol.Service> services, MethodTable table,
			JsonCodec codec, Path errorDirectory, CallReceipt receipt) {
		long launched = System.nanoTime();
		Chan chan = Chan.open(new ChanOptions(Protocol.frameLimit(settings.maxFrameSize()), Protocol.MAX_DESCRIPTORS));
		Proc proc;
		long deadline = System.nanoTime() + settings.startupTimeout().toNanos();
		ProcOptions options = procOptions(settings, errorDirectory);
		StartupArchive archive = WorkerTraining.archive(options, settings, services);
		try {
			proc = Proc.start(WorkerMain.class, chan,
					(archive != null) ? options.toBuilder().jvmArguments(archive.jvmArguments()).build() : options);
		}
		catch (ProcStartException ex) {
			throw new WorkerStartException(settings.name(), 0,
					"A worker of pool '" + settings.name() + "' could not start: " + ex.getMessage(), ex);
		}
		byte[] greeting;
		try {
			chan.send(Protocol.configure(configuration(settings, services, receipt), codec), remaining(deadline));
			greeting = chan.recv(remaining(deadline));
		}
		catch (ChannelTimeoutException ex) {
			proc.kill();
			proc.close();
			throw startFailure(settings.name(), proc, "did not finish starting within the startup-timeout of "
					+ Durations.format(settings.startupTimeout()) + " and was killed", ex);
		}
		catch (ChannelException ex) {
			proc.close();
			throw startFailure(settings.name(), proc, "died during start-up", ex);
		}
		RemoteError startupError;
		try {
			startupError = Protocol.readGreeting(greeting, codec, table.fingerprint());
		}
		catch (ProtocolException ex) {
			proc.kill();
			proc.close();
			throw startFailure(settings.name(), proc, "greeted the application wrongly: " + ex.getMessage(), ex);
		}
		if (startupError != null) {
			proc.close();
			throw startFailure(settings.name(), proc, "could not make its services: " + describe(startupError), null);
		}
		if (archive != null) {
			// Once a worker has started, so that the training does not slow the first.
			archive.prepare(
					(training) -> WorkerTraining.train(training, settings, services, table, codec, errorDirectory));
		}
		return new Worker(settings.name(), proc, chan, codec, receipt,
				new CrashReport(settings.name(), proc, errorDirectory), recycleAfter(settings),
				Duration.ofNanos(System.nanoTime() - launched));
	}

	/**
	 * The worker's launch: the pool's JVM options, and on the command line nothing but
	 * the pool's name; the rest goes over the channel.
	 */
	private static ProcOptions procOptions(WorkerPoolSettings settings, Path errorDirectory) {
		ProcOptions.Builder options = settings.launch().toBuilder();
		if (!InitialHeap.isChosenIn(settings.launch().jvmArguments())) {
			options.jvmArgumentsFirst(InitialHeap.OPTIONS);
		}
		return options
			// A worker that ran out of memory is in no state to go on; exit so it is
			// replaced. The JVM says "Terminating due to java.lang.OutOfMemoryError" on
			// standard output unless told otherwise; on standard error it reaches the
			// crash exception's last lines, and tells an out-of-memory exit (status 3)
			// from a System.exit(3). First, so that the pool's jvm-args can override
			// them.
			.jvmArgumentsFirst("-XX:+ExitOnOutOfMemoryError", "-XX:+DisplayVMOutputToStderr",
					"-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=" + FatalErrorLog.errorFilePattern(errorDirectory))
			.systemProperty(WorkerMain.POOL_PROPERTY, settings.name())
			.build();
	}

	static Protocol.Configuration configuration(WorkerPoolSettings settings, List<Protocol.Service> services,
			CallReceipt receipt) {
		return new Protocol.Configuration(Protocol.VERSION, settings.name(), services,
				settings.serviceFactory().getName(), settings.maxNestingDepth(), receipt.file().toString(),
				settings.systemProperties(), settings.arguments(), settings.largeValueThreshold(),
				settings.maxValueSize());
	}

	private static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
	}

	/**
	 * Recycle after max-calls-per-worker calls, give or take 10%, so workers do not all
	 * restart at once.
	 */
	private static long recycleAfter(WorkerPoolSettings settings) {
		long max = settings.recycling().maxCallsPerWorker();
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
		CrashReport.appendExit(message, proc);
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

	/**
	 * Name the services, as the worker's configuration carries them.
	 * @param interfaces the service interfaces
	 * @param implementations the implementation class names
	 * @return the services, in order
	 */
	static List<Protocol.Service> describeServices(List<Class<?>> interfaces, List<String> implementations) {
		List<Protocol.Service> services = new ArrayList<>();
		for (int i = 0; i < interfaces.size(); i++) {
			services.add(new Protocol.Service(interfaces.get(i).getName(), implementations.get(i)));
		}
		return List.copyOf(services);
	}

}
