package dev.ceramic.pool;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.ceramic.channel.JsonCodec;
import dev.ceramic.pool.internal.ExceptionTranslator;
import dev.ceramic.pool.internal.MethodTable;
import dev.ceramic.pool.internal.Protocol;
import org.jspecify.annotations.Nullable;
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
 * <li>{@link #close()} stops taking calls, lets calls in flight finish within
 * {@code shutdown-grace}, says goodbye to the workers and kills stragglers. No worker
 * outlives the pool.</li>
 * </ul>
 */
public final class WorkerPool implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(WorkerPool.class);

	/** How far back {@link PoolSnapshot#recentFailures()} counts. */
	public static final Duration RECENT_FAILURE_WINDOW = Duration.ofMinutes(1);

	private static final ThreadLocal<@Nullable Duration> callTimeoutOverride = new ThreadLocal<>();

	private final WorkerPoolSettings settings;

	private final List<Class<?>> interfaces;

	private final String services;

	private final JsonCodec codec;

	private final MethodTable table;

	private final Duration[] methodTimeouts;

	private final List<PoolListener> listeners;

	private final List<CallInterceptor> interceptors;

	private final Path errorDirectory;

	private final ExecutorService launcher;

	private final ScheduledExecutorService timer;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	// Guarded by lock.

	private final Set<Worker> workers = new LinkedHashSet<>();

	private final Deque<Worker> idle = new ArrayDeque<>();

	private PoolState state = PoolState.NEW;

	private int starting;

	private int waiting;

	private int startFailuresInARow;

	private int crashesInARow;

	private @Nullable WorkerStartException lastStartFailure;

	private @Nullable String lastCrash;

	private final Deque<Long> failureTimes = new ArrayDeque<>();

	private long workersStarted;

	private long crashes;

	private long timeouts;

	private long recycles;

	private long startFailures;

	private WorkerPool(Builder builder) {
		this.settings = builder.settings;
		this.interfaces = List.copyOf(builder.interfaces);
		this.services = WorkerLauncher.describeServices(this.interfaces, builder.implementations);
		this.codec = JsonCodec.create(this.settings.maxNestingDepth(), JsonCodec.DEFAULT_MAX_STRING_LENGTH);
		this.table = MethodTable.of(this.interfaces, this.codec);
		this.methodTimeouts = methodTimeouts(this.table, this.interfaces.size(), this.settings.callTimeout());
		this.listeners = new CopyOnWriteArrayList<>(builder.listeners);
		this.interceptors = List.copyOf(builder.interceptors);
		this.errorDirectory = createErrorDirectory(this.settings.name());
		this.launcher = Executors.newCachedThreadPool(daemonThreads("ceramic-" + this.settings.name() + "-start"));
		this.timer = Executors
			.newSingleThreadScheduledExecutor(daemonThreads("ceramic-" + this.settings.name() + "-timer"));
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
		if (timeout.isZero() || timeout.isNegative()) {
			throw new IllegalArgumentException("A call timeout must be positive, but was " + timeout);
		}
		Duration previous = callTimeoutOverride.get();
		callTimeoutOverride.set(timeout);
		try {
			return action.get();
		}
		finally {
			callTimeoutOverride.set(previous);
		}
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
		this.listeners.add(listener);
	}

	/**
	 * Start the pool: its {@code min-workers} start in parallel. Returns at once; see
	 * {@link #awaitReady(Duration)}. Calls on a pool that was not started start it.
	 */
	public void start() {
		this.lock.lock();
		try {
			if (this.state != PoolState.NEW) {
				return;
			}
			this.state = PoolState.RUNNING;
			replenish();
		}
		finally {
			this.lock.unlock();
		}
		long period = Math.max(50, Math.min(1000, this.settings.idleTimeout().toMillis() / 2));
		this.timer.scheduleWithFixedDelay(this::houseKeeping, period, period, TimeUnit.MILLISECONDS);
	}

	/**
	 * Wait until {@code min-workers} workers are ready.
	 * @param timeout how long to wait
	 * @return whether they are ready; {@code false} when the time ran out or the pool
	 * failed or stopped
	 */
	public boolean awaitReady(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		this.lock.lock();
		try {
			while (this.workers.size() < this.settings.minWorkers()) {
				if (this.state != PoolState.RUNNING && this.state != PoolState.NEW) {
					return false;
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				this.changed.awaitNanos(remaining);
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return a proxy that runs the calls of a service interface in this pool's workers.
	 * Abstract methods go to a worker; default methods run here and may call the abstract
	 * ones; {@code equals}, {@code hashCode} and {@code toString} are answered here.
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
		ServiceInvocationHandler handler = new ServiceInvocationHandler(this, serviceInterface,
				this.table.entriesOf(index));
		return serviceInterface.cast(Proxy.newProxyInstance(serviceInterface.getClassLoader(),
				new Class<?>[] { serviceInterface }, handler));
	}

	/**
	 * Run one call in a worker, through the interceptors, for the pool's proxies.
	 * @param entry the method
	 * @param arguments the arguments
	 * @return the result
	 * @throws Throwable what the call threw, translated for the caller
	 */
	@Nullable Object invoke(MethodTable.Entry entry, Object @Nullable [] arguments) throws Throwable {
		if (this.interceptors.isEmpty()) {
			return call(entry, arguments);
		}
		CallInterceptor.ServiceCall call = new CallInterceptor.ServiceCall(name(), entry.serviceInterface(),
				entry.method());
		return intercept(0, call, entry, arguments);
	}

	private @Nullable Object intercept(int index, CallInterceptor.ServiceCall call, MethodTable.Entry entry,
			Object @Nullable [] arguments) throws Throwable {
		if (index == this.interceptors.size()) {
			return call(entry, arguments);
		}
		return this.interceptors.get(index).intercept(call, () -> intercept(index + 1, call, entry, arguments));
	}

	private @Nullable Object call(MethodTable.Entry entry, Object @Nullable [] arguments) throws Throwable {
		byte[][] encoded = Protocol.encodeArguments(entry, arguments, this.codec);
		Duration timeout = timeoutFor(entry);
		if (Thread.currentThread().isInterrupted()) {
			// Nothing was sent yet, so no worker needs to pay for it.
			throw new CallTimeoutException(name(), 0, "The calling thread was interrupted before its call to "
					+ entry.describe() + " in pool '" + name() + "' was sent; nothing was sent", timeout);
		}
		for (int attempt = 1;; attempt++) {
			Worker worker = lease();
			try {
				return call(worker, entry, encoded, timeout);
			}
			catch (UndeliveredCallException ex) {
				// The worker died idle before the pool heard of it, and the call never
				// ran: give it to another worker, as if the death had been noticed first.
				lose(worker, PoolEvent.Type.WORKER_CRASHED, ex.crash().getMessage());
				if (attempt > this.settings.maxWorkers()) {
					throw ex.crash();
				}
			}
		}
	}

	private @Nullable Object call(Worker worker, MethodTable.Entry entry, byte[][] encoded, Duration timeout)
			throws Throwable {
		Protocol.Reply reply;
		try {
			reply = worker.call(entry, encoded, timeout);
		}
		catch (UndeliveredCallException ex) {
			throw ex;
		}
		catch (CallTimeoutException ex) {
			lose(worker, PoolEvent.Type.WORKER_TIMED_OUT, ex.getMessage());
			throw ex;
		}
		catch (WorkerCrashedException ex) {
			lose(worker, PoolEvent.Type.WORKER_CRASHED, ex.getMessage());
			throw ex;
		}
		catch (RuntimeException | Error ex) {
			lose(worker, PoolEvent.Type.WORKER_CRASHED, "failed unexpectedly: " + ex);
			throw ex;
		}
		release(worker);
		if (reply.error() != null) {
			throw ExceptionTranslator.translate(reply.error(), entry.method(), name(), worker.pid());
		}
		return reply.value();
	}

	private Duration timeoutFor(MethodTable.Entry entry) {
		Duration override = callTimeoutOverride.get();
		return (override != null) ? override : this.methodTimeouts[entry.id()];
	}

	private Worker lease() {
		long deadline = System.nanoTime() + this.settings.acquireTimeout().toNanos();
		this.lock.lock();
		try {
			if (this.state == PoolState.NEW) {
				this.lock.unlock();
				try {
					start();
				}
				finally {
					this.lock.lock();
				}
			}
			while (true) {
				if (this.state == PoolState.FAILED) {
					WorkerStartException cause = this.lastStartFailure;
					throw new CallRejectedException(name(), CallRejectedException.Reason.POOL_FAILED,
							"Pool '" + name() + "' has failed: its workers died during start-up "
									+ this.startFailuresInARow + " times in a row. Last start-up error: "
									+ ((cause != null) ? cause.getMessage() : "unknown"),
							cause);
				}
				if (this.state == PoolState.STOPPING || this.state == PoolState.STOPPED) {
					throw new CallRejectedException(name(), CallRejectedException.Reason.SHUT_DOWN,
							"Pool '" + name() + "' is shut down and takes no more calls", null);
				}
				Worker worker = this.idle.pollFirst();
				if (worker != null) {
					if (!worker.isAlive()) {
						discardDeadIdle(worker);
						continue;
					}
					worker.setBusy(true);
					return worker;
				}
				if (this.workers.size() + this.starting < this.settings.maxWorkers() && this.starting <= this.waiting) {
					startWorker(backoff());
				}
				if (this.waiting >= this.settings.maxQueuedCalls()) {
					throw new CallRejectedException(name(), CallRejectedException.Reason.QUEUE_FULL,
							"Pool '" + name() + "' is saturated: all " + this.workers.size() + " workers are busy and "
									+ this.waiting + " calls are already waiting (max-queued-calls)",
							null);
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					throw new CallRejectedException(name(), CallRejectedException.Reason.ACQUIRE_TIMEOUT,
							"Pool '" + name() + "' had no free worker within the acquire-timeout of "
									+ this.settings.acquireTimeout() + " (" + this.workers.size() + " workers, "
									+ this.starting + " starting, max-workers " + this.settings.maxWorkers() + ")",
							null);
				}
				this.waiting++;
				try {
					this.changed.awaitNanos(remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new CallTimeoutException(name(), 0,
							"Interrupted while waiting for a worker of pool '" + name() + "'; nothing was sent",
							this.settings.acquireTimeout());
				}
				finally {
					this.waiting--;
				}
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private void release(Worker worker) {
		String reason = worker.dueForRecycling() ? "after " + worker.callsServed() + " calls"
				: (this.settings.maxWorkerMemory() > 0 && worker.memoryCheckDue() && overMemory(worker))
						? "resident memory over max-worker-memory" : null;
		boolean recycle = reason != null;
		this.lock.lock();
		try {
			worker.setBusy(false);
			this.crashesInARow = 0;
			if (recycle && this.state == PoolState.RUNNING) {
				this.workers.remove(worker);
				this.recycles++;
				replenish();
			}
			else {
				this.idle.addFirst(worker);
				recycle = false;
			}
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		if (recycle) {
			publish(PoolEvent.Type.WORKER_RECYCLED, worker.pid(), reason);
			stopLater(worker::retire);
		}
	}

	private boolean overMemory(Worker worker) {
		long max = this.settings.maxWorkerMemory();
		return max > 0 && worker.residentMemory() > max;
	}

	/**
	 * A worker that crashed or timed out during a call is gone: count it and replace it.
	 */
	private void lose(Worker worker, PoolEvent.Type type, @Nullable String detail) {
		this.lock.lock();
		try {
			worker.setBusy(false);
			this.workers.remove(worker);
			this.idle.remove(worker);
			this.failureTimes.addLast(System.nanoTime());
			if (type == PoolEvent.Type.WORKER_TIMED_OUT) {
				this.timeouts++;
			}
			else {
				this.crashes++;
				this.crashesInARow++;
				this.lastCrash = detail;
			}
			replenish();
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		publish(type, worker.pid(), detail);
		stopLater(worker::kill);
	}

	/**
	 * Stop a worker on a launcher thread, so that the caller does not wait for it. Once
	 * {@link #close()} has shut the launcher down, stop it right here: the launcher would
	 * reject it, and the worker would outlive the pool.
	 */
	private void stopLater(Runnable stop) {
		try {
			this.launcher.execute(stop);
		}
		catch (RejectedExecutionException ex) {
			stop.run();
		}
	}

	private void discardDeadIdle(Worker worker) {
		this.workers.remove(worker);
		this.failureTimes.addLast(System.nanoTime());
		this.crashes++;
		this.crashesInARow++;
		String detail = "Worker pid " + worker.pid() + " of pool '" + name() + "' died while idle with "
				+ worker.describeExit();
		worker.recordError(detail);
		this.lastCrash = detail;
		replenish();
		this.launcher.execute(() -> {
			publish(PoolEvent.Type.WORKER_CRASHED, worker.pid(), detail);
			logger.warn(detail);
			worker.kill();
		});
	}

	/**
	 * Called when any worker's process exits; only idle ones are this method's business.
	 */
	private void onExit(Worker worker) {
		this.lock.lock();
		try {
			if (this.idle.remove(worker)) {
				discardDeadIdle(worker);
				this.changed.signalAll();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Start workers until min-workers are running or starting, and the waiting calls are
	 * covered.
	 */
	private void replenish() {
		if (this.state != PoolState.RUNNING) {
			return;
		}
		int present = this.workers.size() + this.starting;
		int wanted = Math.max(this.settings.minWorkers(),
				Math.min(this.settings.maxWorkers(), this.workers.size() - this.idle.size() + this.waiting));
		for (int i = present; i < wanted; i++) {
			startWorker(backoff());
		}
	}

	private long backoff() {
		int inARow = Math.max(this.crashesInARow, this.startFailuresInARow);
		if (inARow == 0) {
			return 0;
		}
		long delay = this.settings.restartBackoff().toNanos() << Math.min(inARow - 1, 20);
		return Math.min(delay, this.settings.maxRestartBackoff().toNanos());
	}

	private void startWorker(long delayNanos) {
		this.starting++;
		Runnable launch = () -> this.launcher.execute(this::launchWorker);
		if (delayNanos == 0) {
			launch.run();
		}
		else {
			this.timer.schedule(launch, delayNanos, TimeUnit.NANOSECONDS);
		}
	}

	private void launchWorker() {
		Worker worker;
		try {
			worker = WorkerLauncher.start(this.settings, this.services, this.table, this.codec, this.errorDirectory);
		}
		catch (RuntimeException ex) {
			WorkerStartException failure = (ex instanceof WorkerStartException start) ? start
					: new WorkerStartException(name(), 0, "A worker of pool '" + name() + "' could not start: " + ex,
							ex);
			startFailed(failure);
			return;
		}
		boolean recovered = false;
		this.lock.lock();
		try {
			this.starting--;
			if (this.state == PoolState.STOPPING || this.state == PoolState.STOPPED) {
				// Already on a launcher thread, which close() waits for.
				worker.kill();
				this.changed.signalAll();
				return;
			}
			this.workers.add(worker);
			this.idle.addFirst(worker);
			this.workersStarted++;
			this.startFailuresInARow = 0;
			if (this.state == PoolState.FAILED) {
				this.state = PoolState.RUNNING;
				recovered = true;
				replenish();
			}
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		worker.proc().onExit().thenRun(() -> onExit(worker));
		publish(PoolEvent.Type.WORKER_STARTED, worker.pid(), null);
		if (recovered) {
			logger.info("Pool '{}' recovered: worker pid {} started", name(), worker.pid());
			publish(PoolEvent.Type.POOL_RECOVERED, worker.pid(), null);
		}
	}

	private void startFailed(WorkerStartException failure) {
		boolean failedNow = false;
		this.lock.lock();
		try {
			this.starting--;
			this.startFailures++;
			this.startFailuresInARow++;
			this.lastStartFailure = failure;
			if (this.state == PoolState.RUNNING && this.startFailuresInARow >= this.settings.crashLoopThreshold()) {
				this.state = PoolState.FAILED;
				failedNow = true;
			}
			if (this.state == PoolState.RUNNING) {
				replenish();
			}
			else if (this.state == PoolState.FAILED && this.starting == 0) {
				// Keep probing now and then, so that the pool recovers once workers can
				// start.
				startWorker(this.settings.maxRestartBackoff().toNanos());
			}
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		publish(PoolEvent.Type.WORKER_START_FAILED, failure.workerPid().orElse(0), failure.getMessage());
		if (failedNow) {
			logger.error(
					"Pool '{}' has failed: workers died during start-up {} times in a row; calls are rejected "
							+ "until a worker starts again. Last error: {}",
					name(), this.settings.crashLoopThreshold(), failure.getMessage());
			publish(PoolEvent.Type.POOL_FAILED, 0, failure.getMessage());
		}
		else {
			logger.warn(failure.getMessage());
		}
	}

	/**
	 * Stop idle workers past idle-timeout, recycle idle workers past max-worker-memory.
	 */
	private void houseKeeping() {
		try {
			List<Worker> stopped = new ArrayList<>();
			List<Worker> memoryCandidates = new ArrayList<>();
			this.lock.lock();
			try {
				if (this.state != PoolState.RUNNING) {
					return;
				}
				long now = System.nanoTime();
				Iterator<Worker> leastRecentlyUsed = this.idle.descendingIterator();
				while (leastRecentlyUsed.hasNext()) {
					Worker worker = leastRecentlyUsed.next();
					if (this.workers.size() > this.settings.minWorkers()
							&& now - worker.lastUsedNanos() > this.settings.idleTimeout().toNanos()) {
						leastRecentlyUsed.remove();
						this.workers.remove(worker);
						stopped.add(worker);
					}
					else if (this.settings.maxWorkerMemory() > 0) {
						memoryCandidates.add(worker);
					}
				}
			}
			finally {
				this.lock.unlock();
			}
			for (Worker worker : stopped) {
				publish(PoolEvent.Type.WORKER_IDLE_STOPPED, worker.pid(), null);
				worker.retire();
			}
			for (Worker worker : memoryCandidates) {
				if (overMemory(worker)) {
					boolean removed;
					this.lock.lock();
					try {
						removed = this.idle.remove(worker);
						if (removed) {
							this.workers.remove(worker);
							this.recycles++;
							replenish();
						}
					}
					finally {
						this.lock.unlock();
					}
					if (removed) {
						publish(PoolEvent.Type.WORKER_RECYCLED, worker.pid(), "resident memory over max-worker-memory");
						worker.retire();
					}
				}
			}
			this.lock.lock();
			try {
				replenish();
			}
			finally {
				this.lock.unlock();
			}
		}
		catch (RuntimeException ex) {
			logger.warn("House-keeping of pool '{}' failed", name(), ex);
		}
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
		List<Worker> live;
		PoolState currentState;
		int startingNow;
		int waitingNow;
		long started;
		long crashed;
		long timedOut;
		long recycled;
		long failedStarts;
		String crash;
		int recent;
		this.lock.lock();
		try {
			live = new ArrayList<>(this.workers);
			currentState = this.state;
			startingNow = this.starting;
			waitingNow = this.waiting;
			started = this.workersStarted;
			crashed = this.crashes;
			timedOut = this.timeouts;
			recycled = this.recycles;
			failedStarts = this.startFailures;
			crash = this.lastCrash;
			recent = recentFailures();
		}
		finally {
			this.lock.unlock();
		}
		Instant now = Instant.now();
		List<PoolSnapshot.WorkerSnapshot> workers = live.stream()
			.map((worker) -> new PoolSnapshot.WorkerSnapshot(worker.pid(), worker.isBusy(), worker.callsServed(),
					withMemory ? worker.residentMemory() : -1, Duration.between(worker.startedAt(), now),
					worker.lastError()))
			.toList();
		return new PoolSnapshot(name(), currentState, workers, startingNow, waitingNow, started, crashed, timedOut,
				recycled, failedStarts, crash, recent, this.settings.minWorkers(), this.settings.maxWorkers());
	}

	/** Crashes and timeouts in the last minute; called with the lock held. */
	private int recentFailures() {
		long horizon = System.nanoTime() - RECENT_FAILURE_WINDOW.toNanos();
		while (!this.failureTimes.isEmpty() && this.failureTimes.peekFirst() - horizon < 0) {
			this.failureTimes.pollFirst();
		}
		return this.failureTimes.size();
	}

	/**
	 * Shut the pool down: stop taking calls, let calls in flight finish within
	 * {@code shutdown-grace}, say goodbye to the workers, and kill what is left. Returns
	 * once every worker process is gone.
	 */
	@Override
	public void close() {
		List<Worker> all;
		this.lock.lock();
		try {
			if (this.state == PoolState.STOPPED || this.state == PoolState.STOPPING) {
				return;
			}
			this.state = PoolState.STOPPING;
			this.changed.signalAll();
			long deadline = System.nanoTime() + this.settings.shutdownGrace().toNanos();
			while (this.idle.size() < this.workers.size()) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					break;
				}
				this.changed.awaitNanos(remaining);
			}
			all = new ArrayList<>(this.workers);
			this.workers.clear();
			this.idle.clear();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			all = new ArrayList<>(this.workers);
			this.workers.clear();
			this.idle.clear();
		}
		finally {
			this.lock.unlock();
		}
		this.timer.shutdownNow();
		List<Thread> stopping = new ArrayList<>();
		for (Worker worker : all) {
			Thread thread = new Thread(worker.isBusy() ? worker::kill : worker::retire,
					"ceramic-" + name() + "-stop-" + worker.pid());
			thread.start();
			stopping.add(thread);
		}
		// Workers still starting see STOPPING when they come up, and kill themselves off.
		this.launcher.shutdown();
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
		this.lock.lock();
		try {
			this.state = PoolState.STOPPED;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		deleteIfEmpty(this.errorDirectory);
	}

	@Override
	public String toString() {
		return "WorkerPool[" + name() + "]";
	}

	private void publish(PoolEvent.Type type, long pid, @Nullable String detail) {
		PoolEvent event = new PoolEvent(name(), type, pid, detail, Instant.now());
		for (PoolListener listener : this.listeners) {
			try {
				listener.onEvent(event);
			}
			catch (RuntimeException ex) {
				logger.warn("Listener {} of pool '{}' failed on {}", listener, name(), type, ex);
			}
		}
	}

	private static Duration[] methodTimeouts(MethodTable table, int services, Duration poolTimeout) {
		List<Duration> timeouts = new ArrayList<>();
		for (int id = 0;; id++) {
			MethodTable.Entry entry = table.byId(id);
			if (entry == null) {
				break;
			}
			CallTimeout onMethod = entry.method().getAnnotation(CallTimeout.class);
			CallTimeout onType = entry.serviceInterface().getAnnotation(CallTimeout.class);
			CallTimeout chosen = (onMethod != null) ? onMethod : onType;
			timeouts.add((chosen != null) ? Duration.ofMillis(chosen.millis()) : poolTimeout);
		}
		return timeouts.toArray(new Duration[0]);
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
		 */
		public WorkerPool build() {
			if (this.interfaces.isEmpty()) {
				throw new IllegalStateException("Pool '" + this.settings.name() + "' has no services");
			}
			return new WorkerPool(this);
		}

	}

}
