package dev.ceramic.pool;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.channel.JsonCodec;
import dev.ceramic.channel.OutOfBand;
import dev.ceramic.channel.SharedRegions;
import dev.ceramic.channel.StreamPipe;
import dev.ceramic.channel.Received;
import dev.ceramic.process.ProcMain;
import org.jspecify.annotations.Nullable;

/**
 * The entry point of a worker JVM. It takes its configuration from the pool's first
 * message, makes the pool's services with the configured {@link ServiceFactory}, greets
 * the application, then serves calls one at a time until it is told goodbye or the
 * channel closes. A service that throws, even a {@link StackOverflowError}, fails only
 * its own call: the error goes back as data and the worker keeps serving. An
 * {@link OutOfMemoryError} ends the worker, as the JVM's own do.
 *
 * <p>
 * The configuration (services, factory, system properties, the application's arguments)
 * travels over the channel rather than on the command line, which every local user can
 * read in {@code /proc/<pid>/cmdline}. The class names in it come from the application
 * that started this worker and holds the other end of its socketpair; nothing the worker
 * sends back is ever taken as a class name.
 */
public final class WorkerMain implements ProcMain {

	/**
	 * System property: the pool's name. Besides the pool's JVM options, it is all of the
	 * pool's settings on a worker's command line, so that {@code ps} shows which pool a
	 * worker serves.
	 */
	public static final String POOL_PROPERTY = "ceramic.worker.pool";

	private static final FileDescriptor[] NO_FDS = new FileDescriptor[0];

	@Override
	public void run(Chan chan) throws Exception {
		// Before the first read, which waits until junixsocket has loaded in the
		// background: building a JSON mapper is a large part of a worker's start, and
		// needs none of it.
		JsonCodec configurationCodec = JsonCodec.defaults();
		Protocol.Configuration configuration;
		try {
			configuration = Protocol.readConfiguration(chan.recv(), configurationCodec);
		}
		catch (ChannelClosedException ex) {
			// The application gave up on this worker before it was configured.
			return;
		}
		catch (ProtocolException ex) {
			chan.send(Protocol.json(Protocol.STARTUP_FAILED, configurationCodec, RemoteError.of(ex)));
			return;
		}
		// A second mapper costs its own build and its own serializers: keep the one
		// already made unless the pool changed its limits.
		JsonCodec codec = (configuration.maxNestingDepth() == JsonCodec.DEFAULT_MAX_NESTING_DEPTH) ? configurationCodec
				: JsonCodec.create(configuration.maxNestingDepth(), JsonCodec.DEFAULT_MAX_STRING_LENGTH);
		ServiceFactory factory;
		List<Object> services;
		MethodTable table;
		CallReceipt receipt;
		try {
			receipt = CallReceipt.open(Path.of(configuration.receipt()));
			configuration.systemProperties().forEach(System::setProperty);
			ClassLoader loader = WorkerMain.class.getClassLoader();
			List<Class<?>> interfaces = new ArrayList<>();
			List<Class<?>> implementations = new ArrayList<>();
			for (Protocol.Service service : configuration.services()) {
				interfaces.add(Class.forName(service.serviceInterface(), false, loader));
				implementations.add(Class.forName(service.implementation(), false, loader));
			}
			factory = (ServiceFactory) Class.forName(configuration.serviceFactory(), true, loader)
				.getDeclaredConstructor()
				.newInstance();
			services = factory.createServices(implementations, configuration.arguments());
			for (int i = 0; i < services.size(); i++) {
				if (!interfaces.get(i).isInstance(services.get(i))) {
					throw new IllegalStateException(
							implementations.get(i).getName() + " does not implement " + interfaces.get(i).getName());
				}
			}
			table = MethodTable.of(interfaces, codec);
			table.makeAccessible();
		}
		catch (Throwable ex) {
			chan.send(Protocol.json(Protocol.STARTUP_FAILED, codec, RemoteError.of(ex)));
			return;
		}
		chan.send(Protocol.json(Protocol.HELLO, codec,
				new Protocol.Hello(Protocol.VERSION, ProcessHandle.current().pid(), table.fingerprint())));
		try {
			serve(chan, codec, table, services, receipt,
					new Protocol.ValueLimits(configuration.pool(),
							chan.options().maxFrameSize() - Protocol.HEADER_ALLOWANCE,
							configuration.largeValueThreshold(), configuration.maxValueSize()));
		}
		finally {
			factory.close();
		}
	}

	private static void serve(Chan chan, JsonCodec codec, MethodTable table, List<Object> services, CallReceipt receipt,
			Protocol.ValueLimits limits) {
		try (SharedRegions regions = SharedRegions.create()) {
			while (true) {
				Received received;
				try {
					received = chan.recvWithFds();
				}
				catch (ChannelClosedException ex) {
					return;
				}
				// Whatever happens to the call, no descriptor of it outlives it.
				try (OutOfBand arguments = limits.receiving(received.fileDescriptors(), regions);
						OutOfBand values = limits.sending()) {
					if (!serveOne(chan, codec, table, services, receipt, limits, received.payload(), arguments, values,
							regions)) {
						return;
					}
				}
			}
		}
	}

	/** Serve one message; return whether to wait for the next. */
	private static boolean serveOne(Chan chan, JsonCodec codec, MethodTable table, List<Object> services,
			CallReceipt receipt, Protocol.ValueLimits limits, byte[] message, OutOfBand arguments, OutOfBand values,
			SharedRegions regions) {
		byte kind = Protocol.kind(message);
		if (kind == Protocol.GOODBYE) {
			return false;
		}
		if (kind == Protocol.WARM_UP) {
			CodecWarmUp.run(table, codec);
			chan.send(new byte[] { Protocol.WARM_UP });
			return true;
		}
		if (kind != Protocol.CALL) {
			throw new ProtocolException("The application sent a " + Protocol.kindName(kind) + " message");
		}
		int callId = callIdOf(message);
		// Before anything else: the application has no acknowledgement yet (it travels
		// with the reply), and if the call kills this worker, decoding included, the
		// receipt is how it learns that the call got here.
		receipt.record(callId);
		int frameLimit = chan.options().maxFrameSize();
		byte[] reply;
		FileDescriptor[] fds = NO_FDS;
		InputStream returned = null;
		String method = "";
		try {
			Protocol.DecodedCall call = Protocol.readCall(message, table, codec, arguments);
			// The values were copied out: their descriptors need not stay open while the
			// service runs.
			arguments.close();
			Object result;
			try {
				result = call.entry()
					.style()
					.await(invoke(call, services.get(call.entry().serviceIndex())), call.entry());
			}
			finally {
				// Read or not, a stream ends with the call; a pump still writing stops.
				Protocol.closeQuietly(call.streams());
			}
			if (call.entry().returnsStream()) {
				returned = (InputStream) result;
				method = call.entry().describe();
				reply = Protocol.streamResult(callId, returned != null);
			}
			else {
				reply = Protocol.result(callId, codec, result, call.entry().returnType(), values);
			}
			if (reply.length > frameLimit) {
				// Too large for the channel: that call fails, and the worker serves on.
				reply = Protocol.resultTooLarge(callId, codec, call.entry(), limits.pool(), reply.length, frameLimit);
			}
			else {
				fds = values.descriptors(regions);
			}
		}
		catch (OutOfMemoryError ex) {
			// As -XX:+ExitOnOutOfMemoryError does for the JVM's own: an allocation that
			// failed (a native one past limits.data-size, say) leaves the worker in no
			// state to go on. Halt, so it is replaced and the caller learns why.
			System.err.println("Terminating due to " + ex);
			System.err.flush();
			Runtime.getRuntime().halt(3);
			return false;
		}
		catch (Throwable ex) {
			// A result over max-value-size too: that call fails, and the worker serves
			// on.
			reply = Protocol.error(callId, codec, RemoteError.of(ex));
			fds = NO_FDS;
			closeQuietly(returned);
			returned = null;
		}
		if (returned != null) {
			serveStream(chan, codec, callId, returned, method);
		}
		else {
			chan.sendWithFds(reply, fds);
		}
		return true;
	}

	/**
	 * Answer a call with the stream it returned: the reply carries a pipe's read end, the
	 * stream is pumped into the pipe, and {@code STREAM_END} says how it ended. The
	 * application holds this worker until then.
	 */
	private static void serveStream(Chan chan, JsonCodec codec, int callId, InputStream returned, String method) {
		StreamPipe pipe;
		try {
			pipe = StreamPipe.open(returned, "result of " + method);
		}
		catch (IOException ex) {
			closeQuietly(returned);
			chan.send(Protocol.error(callId, codec, RemoteError.of(ex)));
			return;
		}
		Protocol.StreamEnd end;
		try (pipe) {
			chan.sendWithFds(Protocol.streamResult(callId, true), pipe.readEnd());
			pipe.releaseReadEnd();
			pipe.start();
			while (!pipe.awaitPumped(Duration.ofMinutes(1))) {
				// The call's timeout, in the application, bounds the wait.
			}
			end = pipe.sourceFailure()
				.map((failure) -> new Protocol.StreamEnd(Protocol.StreamOutcome.FAILED, failure.toString()))
				.orElseGet(() -> new Protocol.StreamEnd(
						pipe.readerClosedEarly() ? Protocol.StreamOutcome.READER_CLOSED : Protocol.StreamOutcome.ENDED,
						""));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			end = new Protocol.StreamEnd(Protocol.StreamOutcome.FAILED, ex.toString());
		}
		finally {
			closeQuietly(returned);
		}
		chan.send(Protocol.streamEnd(callId, end));
	}

	private static void closeQuietly(@Nullable InputStream stream) {
		if (stream != null) {
			try {
				stream.close();
			}
			catch (IOException ex) {
				// Its call failed already.
			}
		}
	}

	private static Object invoke(Protocol.DecodedCall call, Object service) throws Throwable {
		try {
			return call.entry().method().invoke(service, call.arguments());
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private static int callIdOf(byte[] message) {
		if (message.length < 5) {
			throw new ProtocolException("The application sent a truncated CALL message");
		}
		return ((message[1] & 0xff) << 24) | ((message[2] & 0xff) << 16) | ((message[3] & 0xff) << 8)
				| (message[4] & 0xff);
	}

}
