package dev.ceramic.pool;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.ceramic.Durations;
import dev.ceramic.channel.JsonCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of worker JVMs that run service implementations out of process. Callers use
 * {@link #proxy(Class)}: each call on the proxy is one synchronous message to a leased
 * worker.
 *
 * <ul>
 * <li>{@code min-workers} start in parallel when the pool starts; the pool grows to
 * {@code max-workers} on demand, and workers above the minimum stop after
 * {@code idle-timeout}.</li>
 * <li>A caller that finds every worker busy waits up to {@code acquire-timeout}, with at
 * most {@code max-queued-calls} callers waiting; otherwise it gets a
 * {@link CallRejectedException} at once.</li>
 * <li>A call that outlives its deadline, or whose thread is interrupted, kills its worker
 * (SIGKILL: a hung native call cannot be stopped any other way) and gets a
 * {@link CallTimeoutException}.</li>
 * <li>A worker that dies during a call fails that call with a
 * {@link WorkerCrashedException}; one that dies idle is replaced without any caller
 * noticing. Replacements back off after crashes in a row.</li>
 * <li>Workers are recycled after {@code max-calls-per-worker} calls (with jitter) and
 * past {@code max-worker-memory}, never during a call.</li>
 * <li>When workers die during start-up {@code crash-loop-threshold} times in a row, the
 * pool {@link PoolState#FAILED fails}: calls are rejected at once with the start-up
 * error, and the pool keeps trying to start a worker now and then until one comes
 * up.</li>
 * <li>{@link #beginShutdown()} stops starting workers; calls go on being served by the
 * workers there are, and those still in flight after {@code shutdown-grace} end with a
 * {@link CallTimeoutException} as their workers are killed. {@link #close()}, which
 * begins the shutdown if nothing did, stops taking calls, lets calls in flight finish
 * within that same grace, says goodbye to the workers and kills stragglers. No worker
 * outlives the pool.</li>
 * </ul>
 *
 * <p>
 * The pool is a facade over package-private parts: {@code CallDispatch} runs each call on
 * a worker that {@code Leases} hands out, {@code Supervisor} keeps the pool staffed and
 * {@code HouseKeeping} trims it, all sharing one {@code Roster}.
 */
public final class WorkerPool implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(WorkerPool.class);

	/** How far back {@link PoolSnapshot#recentFailures()} counts. */
	public static final Duration RECENT_FAILURE_WINDOW = Duration.ofMinutes(1);

	private final WorkerPoolSettings settings;

	private final List<Class<?>> interfaces;

	private final MethodTable table;

	private final Path errorDirectory;

	private final ExecutorService launcher;

	private final ScheduledExecutorService timer;

	private final Roster roster = new Roster();

	private final PoolEvents events;

	private final Supervisor supervisor;

	private final CallDispatch dispatch;

	private final HouseKeeping houseKeeping;

	private WorkerPool(Builder builder) {
		this.settings = builder.settings;
		this.interfaces = List.copyOf(builder.interfaces);
		List<Protocol.Service> services = WorkerLauncher.describeServices(this.interfaces, builder.implementations);
		JsonCodec codec = JsonCodec.create(this.settings.maxNestingDepth(), JsonCodec.DEFAULT_MAX_STRING_LENGTH);
		SignatureCheck.check(this.settings.name(), this.interfaces, codec);
		this.table = MethodTable.of(this.interfaces, codec);
		this.errorDirectory = createErrorDirectory(this.settings.name());
		this.launcher = Executors.newCachedThreadPool(daemonThreads("ceramic-" + this.settings.name() + "-start"));
		this.timer = Executors
			.newSingleThreadScheduledExecutor(daemonThreads("ceramic-" + this.settings.name() + "-timer"));
		this.events = new PoolEvents(this.settings.name(), builder.listeners);
		this.supervisor = new Supervisor(this.settings, services, this.table, codec, this.errorDirectory, this.roster,
				this.events, this.launcher, this.timer);
		Leases leases = new Leases(this.settings, this.roster, this.supervisor, this.events, this::start);
		this.dispatch = new CallDispatch(this.settings, codec, this.table, builder.interceptors, leases,
				this.supervisor, this.timer);
		this.houseKeeping = new HouseKeeping(this.settings, this.roster, this.supervisor, this.events);
	}

	/**
	 * Start building a pool.
	 * @param settings the pool's settings
	 * @return a builder
	 */
	public static Builder builder(WorkerPoolSettings settings) {
		return new Builder(settings);
	}

	/**
	 * Run {@code action} with another call timeout for the calls it makes on this thread.
	 * @param <T> the action's result type
	 * @param timeout the timeout for those calls
	 * @param action the action
	 * @return the action's result
	 */
	public static <T> T withCallTimeout(Duration timeout, Supplier<T> action) {
		return CallDispatch.withCallTimeout(timeout, action);
	}

	/**
	 * Return the pool's name.
	 * @return the name
	 */
	public String name() {
		return this.settings.name();
	}

	/**
	 * Return the pool's settings.
	 * @return the settings
	 */
	public WorkerPoolSettings settings() {
		return this.settings;
	}

	/**
	 * Add a listener.
	 * @param listener the listener
	 */
	public void addListener(PoolListener listener) {
		this.events.addListener(listener);
	}

	/**
	 * Start the pool: its {@code min-workers} start in parallel. Returns at once; see
	 * {@link #awaitReady(Duration)}. Calls on a pool that was not started start it.
	 */
	public void start() {
		this.roster.lock.lock();
		try {
			if (this.roster.state != PoolState.NEW) {
				return;
			}
			this.roster.state = PoolState.RUNNING;
			if (this.settings.limits().dataSize() > 0) {
				logger.info("Pool '{}' limits each worker's data size with RLIMIT_DATA; it does not place workers in "
						+ "a cgroup with memory.max", this.settings.name());
			}
			this.supervisor.replenish();
		}
		finally {
			this.roster.lock.unlock();
		}
		long period = HouseKeeping.periodMillis(this.settings);
		this.timer.scheduleWithFixedDelay(this.houseKeeping, period, period, TimeUnit.MILLISECONDS);
	}

	/**
	 * Wait until {@code min-workers} workers are ready.
	 * @param timeout how long to wait
	 * @return whether they are ready; {@code false} when the time ran out or the pool
	 * failed or stopped
	 */
	public boolean awaitReady(Duration timeout) {
		return this.roster.awaitWorkers(this.settings.sizing().minWorkers(), timeout);
	}

	/**
	 * Return a proxy that runs the calls of a service interface in this pool's workers.
	 * Abstract methods go to a worker; default methods run here and may call the abstract
	 * ones; {@code equals}, {@code hashCode} and {@code toString} are answered here. A
	 * method that returns a {@code CompletableFuture}, a {@code CompletionStage} or, with
	 * Reactor present, a {@code Mono} returns at once, and its call runs on a thread of
	 * the pool; a blocking method called on a thread Reactor marks as non-blocking throws
	 * an {@code IllegalStateException} instead of stalling it.
	 * @param <T> the interface
	 * @param serviceInterface a service interface of this pool
	 * @return the proxy
	 */
	public <T> T proxy(Class<T> serviceInterface) {
		int index = this.interfaces.indexOf(serviceInterface);
		if (index < 0) {
			throw new IllegalArgumentException("Pool '" + name() + "' has no service " + serviceInterface.getName()
					+ "; it serves " + this.interfaces.stream().map(Class::getName).toList());
		}
		ServiceInvocationHandler handler = new ServiceInvocationHandler(name(), this.dispatch, serviceInterface,
				this.table.entriesOf(index));
		return serviceInterface.cast(Proxy.newProxyInstance(serviceInterface.getClassLoader(),
				new Class<?>[] { serviceInterface }, handler));
	}

	/**
	 * Return the pool's state and its workers', their resident memory included.
	 * @return a snapshot
	 */
	public PoolSnapshot snapshot() {
		return snapshot(true);
	}

	/**
	 * Return the pool's state and its workers'.
	 * @param withMemory whether to read each worker's resident memory from {@code /proc},
	 * a file read per worker; without it, {@code residentMemory} is -1
	 * @return a snapshot
	 */
	public PoolSnapshot snapshot(boolean withMemory) {
		return this.roster.snapshot(name(), this.settings, withMemory);
	}

	/**
	 * Begin shutting down while the application drains its own work: from now on no
	 * worker starts (none replaces one that dies or times out, none is added for waiting
	 * calls), calls go on being served by the workers there are, and a call still in
	 * flight when {@code shutdown-grace} has passed from now ends with a
	 * {@link CallTimeoutException}, its worker killed, so that every caller has an answer
	 * by then. {@link #close()} later waits for calls in flight until that same deadline.
	 * The starter calls this as the application context begins to close, before the web
	 * server drains its requests. Calling it again does nothing.
	 */
	public void beginShutdown() {
		long grace;
		this.roster.lock.lock();
		try {
			if (!beginShutdownLocked()) {
				return;
			}
			grace = this.roster.shutdownDeadline - System.nanoTime();
		}
		finally {
			this.roster.lock.unlock();
		}
		try {
			this.timer.schedule(this::endCallsInFlight, Math.max(0, grace), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// close() already shut the timer down, and ends calls in flight itself.
		}
		logger.info("Pool '{}' is shutting down: no worker starts from now on, and calls still running in {} "
				+ "(shutdown-grace) will be ended", name(), Durations.format(this.settings.shutdownGrace()));
	}

	/** Set the shutdown deadline unless shutdown has begun already; lock held. */
	private boolean beginShutdownLocked() {
		Roster roster = this.roster;
		if (roster.shutdownBegun) {
			return false;
		}
		roster.shutdownBegun = true;
		roster.shutdownDeadline = System.nanoTime() + this.settings.shutdownGrace().toNanos();
		roster.changed.signalAll();
		return true;
	}

	/**
	 * Kill the workers still busy at the shutdown deadline, so that their callers get an
	 * answer: a timeout. On the timer.
	 */
	private void endCallsInFlight() {
		List<Worker> busy = new ArrayList<>();
		this.roster.lock.lock();
		try {
			for (Worker worker : this.roster.workers) {
				if (worker.isBusy()) {
					busy.add(worker);
				}
			}
		}
		finally {
			this.roster.lock.unlock();
		}
		for (Worker worker : busy) {
			logger.warn(
					"Pool '{}' kills worker pid {}: its call was still running when the shutdown-grace of {} ran out",
					name(), worker.pid(), Durations.format(this.settings.shutdownGrace()));
			worker.endCallAtShutdown(this.settings.shutdownGrace());
		}
	}

	/**
	 * Shut the pool down: stop taking calls, let calls in flight finish within
	 * {@code shutdown-grace} of the shutdown's beginning ({@link #beginShutdown()}, or
	 * now), say goodbye to the workers, and kill what is left, workers still starting
	 * included. Returns once every worker process is gone.
	 */
	@Override
	public void close() {
		Roster roster = this.roster;
		List<Worker> all;
		roster.lock.lock();
		try {
			if (roster.isShutDown()) {
				return;
			}
			beginShutdownLocked();
			roster.state = PoolState.STOPPING;
			roster.changed.signalAll();
			long deadline = roster.shutdownDeadline;
			while (roster.idle.size() < roster.workers.size()) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					break;
				}
				roster.changed.awaitNanos(remaining);
			}
			all = takeAll();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			all = takeAll();
		}
		finally {
			roster.lock.unlock();
		}
		this.timer.shutdownNow();
		List<Thread> stopping = new ArrayList<>();
		for (Worker worker : all) {
			Duration grace = this.settings.shutdownGrace();
			Thread thread = new Thread(worker.isBusy() ? () -> worker.endCallAtShutdown(grace) : worker::retire,
					"ceramic-" + name() + "-stop-" + worker.pid());
			thread.start();
			stopping.add(thread);
		}
		// Interrupted, a worker still starting is killed; one that came up sees
		// STOPPING and is killed too.
		for (Runnable pending : this.launcher.shutdownNow()) {
			// A stop that never began must still happen; a launch gives up at once.
			pending.run();
		}
		try {
			for (Thread thread : stopping) {
				thread.join();
			}
			this.launcher.awaitTermination(this.settings.startupTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
			// House-keeping may be stopping workers it already took out of the pool;
			// interrupted by shutdownNow(), it kills them, and they must be gone before
			// close() returns.
			this.timer.awaitTermination(this.settings.shutdownGrace().toMillis() + 1000, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		// With every worker gone, asynchronous calls in flight have ended.
		this.dispatch.close();
		roster.lock.lock();
		try {
			roster.state = PoolState.STOPPED;
			roster.changed.signalAll();
		}
		finally {
			roster.lock.unlock();
		}
		deleteIfEmpty(this.errorDirectory);
	}

	/** Take every worker out of the roster, for close(); lock held. */
	private List<Worker> takeAll() {
		List<Worker> all = new ArrayList<>(this.roster.workers);
		this.roster.workers.clear();
		this.roster.idle.clear();
		return all;
	}

	@Override
	public String toString() {
		return "WorkerPool[" + name() + "]";
	}

	private static Path createErrorDirectory(String poolName) {
		try {
			return Files.createTempDirectory("ceramic-" + poolName.replaceAll("[^A-Za-z0-9_-]", "_") + "-");
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot create a directory for the fatal error logs of pool '" + poolName
					+ "' under java.io.tmpdir: " + ex.getMessage(), ex);
		}
	}

	private static void deleteIfEmpty(Path directory) {
		try {
			Files.deleteIfExists(directory);
		}
		catch (IOException ex) {
			// Not empty: a worker left a fatal error log there, which is worth keeping.
		}
	}

	private static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Builds a {@link WorkerPool}.
	 */
	public static final class Builder {

		private final WorkerPoolSettings settings;

		private final List<Class<?>> interfaces = new ArrayList<>();

		private final List<String> implementations = new ArrayList<>();

		private final List<PoolListener> listeners = new ArrayList<>();

		private final List<CallInterceptor> interceptors = new ArrayList<>();

		private Builder(WorkerPoolSettings settings) {
			this.settings = settings;
		}

		/**
		 * Add a service. Referring to the class does not load or initialize it here.
		 * @param <T> the interface
		 * @param serviceInterface the interface callers use
		 * @param implementation the class that implements it in the workers
		 * @return this builder
		 */
		public <T> Builder service(Class<T> serviceInterface, Class<? extends T> implementation) {
			return service(serviceInterface, implementation.getName());
		}

		/**
		 * Add a service by the name of its implementation class, which this process never
		 * loads.
		 * @param serviceInterface the interface callers use
		 * @param implementationClassName the class that implements it in the workers
		 * @return this builder
		 */
		public Builder service(Class<?> serviceInterface, String implementationClassName) {
			if (!serviceInterface.isInterface()) {
				throw new IllegalArgumentException(serviceInterface.getName()
						+ " is not an interface; out-of-process services are called through an interface");
			}
			if (this.interfaces.contains(serviceInterface)) {
				throw new IllegalArgumentException(
						"Pool '" + this.settings.name() + "' already has a service for " + serviceInterface.getName());
			}
			this.interfaces.add(serviceInterface);
			this.implementations.add(implementationClassName);
			return this;
		}

		/**
		 * Add a listener.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(PoolListener listener) {
			this.listeners.add(listener);
			return this;
		}

		/**
		 * Add an interceptor around every call.
		 * @param interceptor the interceptor
		 * @return this builder
		 */
		public Builder interceptor(CallInterceptor interceptor) {
			this.interceptors.add(interceptor);
			return this;
		}

		/**
		 * Build the pool, which starts with {@link WorkerPool#start()} or its first call.
		 * @return the pool
		 * @throws UnsupportedSignatureException if a service method takes or returns a
		 * type that cannot travel between the application and a worker, naming every one
		 */
		public WorkerPool build() {
			if (this.interfaces.isEmpty()) {
				throw new IllegalStateException("Pool '" + this.settings.name() + "' has no services");
			}
			return new WorkerPool(this);
		}

	}

}
