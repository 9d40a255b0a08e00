package dev.ceramic.test.pool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.ceramic.pool.PoolEvent;
import dev.ceramic.pool.PoolListener;
import dev.ceramic.pool.PoolSnapshot;
import dev.ceramic.pool.WorkerPool;
import dev.ceramic.pool.WorkerPoolSettings;
import dev.ceramic.pool.WorkerMain;
import dev.ceramic.test.Waiting;

import static dev.ceramic.test.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Helpers for the pool's behaviour tests, which run real worker JVMs on a machine that
 * may be busy: pools with generous deadlines, and ways to find their workers.
 */
public final class TestPools {

	/**
	 * How long a pool in these tests waits to acquire a worker or for one to start: as
	 * long as the tests wait for anything.
	 */
	public static final Duration PATIENCE = Waiting.PATIENCE;

	private TestPools() {
	}

	/**
	 * Return settings with generous acquire and start-up timeouts, and worker JVMs that
	 * start quickly and stay small.
	 * @param name the pool's name, unique to the test so that its processes can be found
	 * @return the settings builder
	 */
	public static WorkerPoolSettings.Builder settings(String name) {
		return WorkerPoolSettings.builder(name)
			.acquireTimeout(PATIENCE)
			.startupTimeout(PATIENCE)
			.jvmArguments(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
	}

	/**
	 * Build a pool of {@link TestService}, start it and wait until its min-workers are
	 * ready.
	 * @param settings the settings
	 * @param listeners listeners to add before it starts
	 * @return the running pool
	 */
	public static WorkerPool start(WorkerPoolSettings settings, PoolListener... listeners) {
		WorkerPool pool = build(settings, listeners);
		pool.start();
		if (!pool.awaitReady(PATIENCE)) {
			PoolSnapshot snapshot = pool.snapshot(false);
			pool.close();
			throw new AssertionError("Pool '" + settings.name() + "' did not get ready: " + snapshot);
		}
		return pool;
	}

	/**
	 * Build a pool of {@link TestService} without starting it.
	 * @param settings the settings
	 * @param listeners listeners
	 * @return the pool
	 */
	public static WorkerPool build(WorkerPoolSettings settings, PoolListener... listeners) {
		WorkerPool.Builder builder = WorkerPool.builder(settings).service(TestService.class, TestServiceImpl.class);
		for (PoolListener listener : listeners) {
			builder.listener(listener);
		}
		return builder.build();
	}

	/**
	 * Whether a process is alive.
	 * @param pid its pid
	 * @return whether it is alive
	 */
	public static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

	/**
	 * Return the pids of the pool's workers, from a snapshot.
	 * @param pool the pool
	 * @return the pids
	 */
	public static Set<Long> pids(WorkerPool pool) {
		return pool.snapshot(false)
			.workers()
			.stream()
			.map(PoolSnapshot.WorkerSnapshot::pid)
			.collect(Collectors.toSet());
	}

	/**
	 * Return the live child processes of this JVM that are workers of a pool, found by
	 * the pool's name on their command line, whether or not the pool still knows them.
	 * @param poolName the pool's name
	 * @return the processes
	 */
	public static List<ProcessHandle> workerProcesses(String poolName) {
		String property = "-D" + WorkerMain.POOL_PROPERTY + "=" + poolName;
		return ProcessHandle.current()
			.children()
			.filter(ProcessHandle::isAlive)
			.filter((process) -> process.info()
				.arguments()
				.map((arguments) -> Arrays.asList(arguments).contains(property))
				.orElse(false))
			.toList();
	}

	/**
	 * Run a task on a new thread of its own (not a shared pool, whose threads may be
	 * few).
	 * @param <T> the result type
	 * @param name the thread's name
	 * @param task the task
	 * @return the future result
	 */
	public static <T> CompletableFuture<T> async(String name, Callable<T> task) {
		CompletableFuture<T> future = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				future.complete(task.call());
			}
			catch (Throwable ex) {
				future.completeExceptionally(ex);
			}
		}, name);
		thread.setDaemon(true);
		thread.start();
		return future;
	}

	/**
	 * Start a call that waits for a file, on a thread of its own, and wait until it holds
	 * a worker: the pool counts one busy worker. For tests that need a worker taken while
	 * no other call is in flight.
	 * @param pool the pool
	 * @param name the calling thread's name
	 * @param release the file whose creation ends the call
	 * @return the call's result: the worker's pid
	 */
	public static CompletableFuture<Long> holdAWorker(WorkerPool pool, String name, Path release) {
		TestService service = pool.proxy(TestService.class);
		CompletableFuture<Long> call = async(name, () -> service.awaitFile(release.toString()));
		await("a worker of pool '" + pool.name() + "' is busy with the call on " + name)
			.until(() -> pool.snapshot(false).busyWorkers() == 1);
		return call;
	}

	/**
	 * Delete the fatal error log that a crash message names: the pool keeps such logs,
	 * and test runs would pile them up in the temporary directory.
	 * @param message a crash message or fatal error summary that names the log
	 */
	public static void deleteFatalErrorLog(String message) {
		Matcher path = Pattern.compile("\\((/[^()]*hs_err_pid\\d+\\.log)\\)").matcher(message);
		assertThat(path.find()).as("the fatal error log's path in %s", message).isTrue();
		try {
			Files.delete(Path.of(path.group(1)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Records a pool's events.
	 */
	public static final class Events implements PoolListener {

		private final List<PoolEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onEvent(PoolEvent event) {
			this.events.add(event);
		}

		/**
		 * Return the events of a type, in order.
		 * @param type the type
		 * @return the events
		 */
		public List<PoolEvent> of(PoolEvent.Type type) {
			return this.events.stream().filter((event) -> event.type() == type).toList();
		}

		/**
		 * Return how many events of a type happened.
		 * @param type the type
		 * @return the count
		 */
		public int count(PoolEvent.Type type) {
			return of(type).size();
		}

		/**
		 * Return every event, in order.
		 * @return the events
		 */
		public List<PoolEvent> all() {
			return List.copyOf(this.events);
		}

	}

}
