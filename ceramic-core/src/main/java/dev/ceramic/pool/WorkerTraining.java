package dev.ceramic.pool;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChanOptions;
import dev.ceramic.channel.ChannelException;
import dev.ceramic.channel.JsonCodec;
import dev.ceramic.process.Proc;
import dev.ceramic.process.ProcOptions;
import dev.ceramic.process.StartupArchive;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

/**
 * The class-data archive of a pool's workers ({@link StartupArchive}), trained on a real
 * worker of the pool: the same JVM options, services and service factory (the starter's
 * Spring context included), the CONFIGURE and HELLO handshake, and a WARM_UP round trip
 * of sample values through the codec for the method table's types, then GOODBYE and a
 * normal exit, which is when the JVM writes the archive. It runs in the background once
 * the pool's first worker has started; workers started before it is ready start without
 * it.
 */
final class WorkerTraining {

	/** Long enough for JDK 25's AOT cache, which is assembled in a second JVM at exit. */
	private static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(3);

	private WorkerTraining() {
	}

	/**
	 * The archive for a pool's workers started with these options.
	 * @param options the worker's options
	 * @param settings the pool's settings
	 * @param services the services
	 * @return the archive, or {@code null} when none can apply
	 */
	static @Nullable StartupArchive archive(ProcOptions options, WorkerPoolSettings settings,
			List<Protocol.Service> services) {
		StringBuilder workload = new StringBuilder("pool worker ").append(Protocol.VERSION).append('\n');
		workload.append(settings.serviceFactory().getName()).append('\n');
		services.forEach((service) -> workload.append(service.serviceInterface())
			.append('=')
			.append(service.implementation())
			.append('\n'));
		settings.systemProperties()
			.entrySet()
			.stream()
			.sorted(java.util.Map.Entry.comparingByKey())
			.forEach((property) -> workload.append(property.getKey())
				.append('=')
				.append(property.getValue())
				.append('\n'));
		return StartupArchive.of(options, workload.toString());
	}

	/**
	 * Run one training worker to its normal exit.
	 * @param options the worker's options with the archive's training options
	 * @param settings the pool's settings
	 * @param services the services
	 * @param table the method table
	 * @param codec the codec
	 * @param errorDirectory where the training worker's call receipt is made
	 * @return whether it greeted rightly, warmed up and exited with status 0
	 * @throws IOException if its call receipt could not be made
	 * @throws InterruptedException if interrupted while waiting for it
	 */
	static boolean train(ProcOptions options, WorkerPoolSettings settings, List<Protocol.Service> services,
			MethodTable table, JsonCodec codec, Path errorDirectory) throws IOException, InterruptedException {
		CallReceipt receipt = CallReceipt.create(errorDirectory);
		Chan chan = Chan.open(new ChanOptions(settings.maxFrameSize(), 0));
		ProcOptions training = options.toBuilder()
			.name(settings.name() + "-training")
			// Its JVM says what it records and writes there; nothing is wrong.
			.errorOutputLevel(Level.INFO)
			.startupTimeout(TRAINING_TIMEOUT)
			.closeGrace(TRAINING_TIMEOUT)
			.build();
		try (Proc proc = Proc.start(WorkerMain.class, chan, training)) {
			chan.send(Protocol.configure(WorkerLauncher.configuration(settings, services, receipt), codec),
					TRAINING_TIMEOUT);
			byte[] greeting = chan.recv(TRAINING_TIMEOUT);
			receipt.deleteFile();
			if (Protocol.readGreeting(greeting, codec, table.fingerprint()) != null) {
				return false;
			}
			chan.send(new byte[] { Protocol.WARM_UP }, TRAINING_TIMEOUT);
			byte[] warmedUp = chan.recv(TRAINING_TIMEOUT);
			if (Protocol.kind(warmedUp) != Protocol.WARM_UP) {
				return false;
			}
			chan.send(Protocol.goodbye(), TRAINING_TIMEOUT);
			OptionalInt status = proc.waitFor(TRAINING_TIMEOUT);
			return status.isPresent() && status.getAsInt() == 0;
		}
		catch (ChannelException | ProtocolException ex) {
			return false;
		}
		finally {
			receipt.deleteFile();
		}
	}

}
