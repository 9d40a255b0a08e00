package dev.ceramic.pool;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.ceramic.Durations;
import dev.ceramic.channel.JsonCodec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the pool staffed: starts workers until {@code min-workers}, the waiting calls and
 * the {@code spare-workers} beyond the busy ones are covered, replaces the ones that die
 * or time out (those lost together in one round), backs off after failures in a row, and
 * fails the pool when workers keep dying during start-up (and recovers it once one
 * starts). Its methods that say so are called with the roster's lock held.
 */
final class Supervisor {

	// Under the pool's own category, the one applications configure.
	private static final Logger logger = LoggerFactory.getLogger(WorkerPool.class);

	private final WorkerPoolSettings settings;

	private final List<Protocol.Service> services;

	private final MethodTable table;

	private final JsonCodec codec;

	private final Path errorDirectory;

	private final Roster roster;

	private final PoolEvents events;

	private final ExecutorService launcher;

	private final ScheduledExecutorService timer;

	// Guarded by the roster's lock.

	private int startFailuresInARow;

	private int crashesInARow;

	private @Nullable WorkerStartException lastStartFailure;

	/** Workers of the first min-workers not yet started. */
	private int initialLeft;

	/** Workers lost (died, timed out, recycled) whose replacement is not yet started. */
	private int unreplaced;

	/** Whether a round of backed-off restarts was scheduled, and for when. */
	private boolean restartRoundPending;

	private long restartRoundAt;

	Supervisor(WorkerPoolSettings settings, List<Protocol.Service> services, MethodTable table, JsonCodec codec,
			Path errorDirectory, Roster roster, PoolEvents events, ExecutorService launcher,
			ScheduledExecutorService timer) {
		this.settings = settings;
		this.services = services;
		this.table = table;
		this.codec = codec;
		this.errorDirectory = errorDirectory;
		this.roster = roster;
		this.events = events;
		this.launcher = launcher;
		this.timer = timer;
		this.initialLeft = settings.sizing().minWorkers();
	}

	private String name() {
		return this.settings.name();
	}

	/**
	 * Build the rejection of a call to a pool that has failed; lock held.
	 * @return the exception
	 */
	CallRejectedException poolFailed() {
		WorkerStartException cause = this.lastStartFailure;
		return new CallRejectedException(name(), CallRejectedException.Reason.POOL_FAILED,
				"Pool '" + name() + "' has failed: its workers died during start-up " + this.startFailuresInARow
						+ " times in a row, and calls are rejected until one starts again; the last start-up error "
						+ "tells what keeps them from starting: " + ((cause != null) ? cause.getMessage() : "unknown"),
				cause);
	}

	/** A call completed on a worker, which ends a run of crashes; lock held. */
	void callCompleted() {
		this.crashesInARow = 0;
	}

	/**
	 * Take a worker out of the pool to be recycled, counted, and start its replacement;
	 * lock held. The caller retires it once the lock is released.
	 * @param worker the worker, no longer idle
	 */
	void recycle(Worker worker) {
		this.roster.workers.remove(worker);
		this.roster.counters.recycled();
		this.unreplaced++;
		replenish();
	}

	/**
	 * Start workers until as many as {@link #wanted()} are running or starting; lock
	 * held.
	 */
	void replenish() {
		Roster roster = this.roster;
		if (roster.state != PoolState.RUNNING) {
			return;
		}
		int present = roster.workers.size() + roster.starting;
		int wanted = wanted();
		for (int i = present; i < wanted; i++) {
			startWorker();
		}
		// A lost worker that the pool can do without is not replaced later: the next
		// start is growth.
		this.unreplaced = 0;
	}

	/**
	 * Return how many workers the pool wants running or starting: min-workers, and while
	 * calls run or wait, one each plus the spare workers, within max-workers; lock held.
	 * @return the workers wanted
	 */
	int wanted() {
		Roster roster = this.roster;
		return this.settings.sizing().wanted(roster.workers.size() - roster.idle.size(), roster.waiting);
	}

	/**
	 * Start one more worker, after the back-off that failures in a row call for; lock
	 * held.
	 */
	void startWorker() {
		startWorker(nextStart(), joinRestartRound(backoff()));
	}

	/**
	 * Why the next worker starts: to replace a lost one, to reach min-workers, or growth.
	 */
	private PoolCounters.Start nextStart() {
		if (this.unreplaced > 0) {
			this.unreplaced--;
			return PoolCounters.Start.REPLACEMENT;
		}
		if (this.initialLeft > 0) {
			this.initialLeft--;
			return PoolCounters.Start.INITIAL;
		}
		return PoolCounters.Start.GROWTH;
	}

	private long backoff() {
		int inARow = Math.max(this.crashesInARow, this.startFailuresInARow);
		if (inARow == 0) {
			return 0;
		}
		long delay = this.settings.restarts().backoff().toNanos() << Math.min(inARow - 1, 20);
		return Math.min(delay, this.settings.restarts().maxBackoff().toNanos());
	}

	private void startWorker(PoolCounters.Start why, long delayNanos) {
		if (this.roster.shutdownBegun) {
			// Shutting down: no worker starts, whatever asks for one.
			return;
		}
		this.roster.starting++;
		Runnable launch = () -> this.launcher.execute(() -> launchWorker(why));
		if (delayNanos == 0) {
			launch.run();
		}
		else {
			this.timer.schedule(launch, delayNanos, TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Return the delay of a start that backs off: the one of the round of restarts
	 * already waiting, if any, so that the replacements of workers lost together start
	 * together, in parallel, instead of each waiting one more doubling; lock held. Their
	 * number is bounded by the workers missing, as {@link #replenish()} starts no more.
	 * @param backoffNanos the backoff that failures in a row call for
	 * @return the delay in nanoseconds
	 */
	private long joinRestartRound(long backoffNanos) {
		if (backoffNanos == 0) {
			return 0;
		}
		long now = System.nanoTime();
		if (this.restartRoundPending && this.restartRoundAt - now > 0) {
			return this.restartRoundAt - now;
		}
		this.restartRoundPending = true;
		this.restartRoundAt = now + backoffNanos;
		return backoffNanos;
	}

	private void launchWorker(PoolCounters.Start why) {
		if (startCancelled()) {
			return;
		}
		Worker worker;
		try {
			worker = WorkerLauncher.start(this.settings, this.services, this.table, this.codec, this.errorDirectory);
		}
		catch (RuntimeException ex) {
			WorkerStartException failure = (ex instanceof WorkerStartException start) ? start
					: new WorkerStartException(name(), 0, "A worker of pool '" + name() + "' could not start: " + ex,
							ex);
			startFailed(failure, why);
			return;
		}
		boolean recovered = false;
		Roster roster = this.roster;
		roster.lock.lock();
		try {
			roster.starting--;
			if (roster.isShutDown()) {
				// Already on a launcher thread, which close() waits for.
				worker.kill();
				roster.changed.signalAll();
				return;
			}
			roster.workers.add(worker);
			roster.idle.addFirst(worker);
			roster.counters.workerStarted(why);
			this.startFailuresInARow = 0;
			if (roster.state == PoolState.FAILED) {
				roster.state = PoolState.RUNNING;
				recovered = true;
				replenish();
			}
			roster.changed.signalAll();
		}
		finally {
			roster.lock.unlock();
		}
		worker.proc().onExit().thenRun(() -> onExit(worker));
		logger.debug("Worker pid {} of pool '{}' started in {} ({})", worker.pid(), name(),
				Durations.formatMillis(worker.startupTime()), why.name().toLowerCase(Locale.ROOT));
		this.events.publish(PoolEvent.Type.WORKER_STARTED, worker.pid(), null);
		if (recovered) {
			logger.info("Pool '{}' recovered: worker pid {} started", name(), worker.pid());
			this.events.publish(PoolEvent.Type.POOL_RECOVERED, worker.pid(), null);
		}
	}

	/**
	 * Drop a start that shutdown overtook before its launch began; it counts as
	 * {@code starting} no more.
	 */
	private boolean startCancelled() {
		Roster roster = this.roster;
		roster.lock.lock();
		try {
			if (!roster.shutdownBegun) {
				return false;
			}
			roster.starting--;
			roster.changed.signalAll();
			return true;
		}
		finally {
			roster.lock.unlock();
		}
	}

	private void startFailed(WorkerStartException failure, PoolCounters.Start why) {
		boolean failedNow = false;
		Roster roster = this.roster;
		roster.lock.lock();
		try {
			roster.starting--;
			if (roster.shutdownBegun) {
				// Shutdown cut the start short; nothing failed.
				roster.changed.signalAll();
				return;
			}
			roster.counters.startFailed();
			// The next start tries again for the same reason.
			if (why == PoolCounters.Start.REPLACEMENT) {
				this.unreplaced++;
			}
			else if (why == PoolCounters.Start.INITIAL) {
				this.initialLeft++;
			}
			this.startFailuresInARow++;
			this.lastStartFailure = failure;
			if (roster.state == PoolState.RUNNING
					&& this.startFailuresInARow >= this.settings.restarts().crashLoopThreshold()) {
				roster.state = PoolState.FAILED;
				failedNow = true;
			}
			if (roster.state == PoolState.RUNNING) {
				replenish();
			}
			else if (roster.state == PoolState.FAILED && roster.starting == 0) {
				// Keep probing now and then, so that the pool recovers once workers can
				// start.
				startWorker(nextStart(), this.settings.restarts().maxBackoff().toNanos());
			}
			roster.changed.signalAll();
		}
		finally {
			roster.lock.unlock();
		}
		this.events.publish(PoolEvent.Type.WORKER_START_FAILED, failure.workerPid().orElse(0), failure.getMessage());
		if (failedNow) {
			logger.error(
					"Pool '{}' has failed: workers died during start-up {} times in a row; calls are rejected "
							+ "until a worker starts again. Last error: {}",
					name(), this.settings.restarts().crashLoopThreshold(), failure.getMessage());
			this.events.publish(PoolEvent.Type.POOL_FAILED, 0, failure.getMessage());
		}
		else {
			logger.warn(failure.getMessage());
		}
	}

	/**
	 * A worker that crashed or timed out during a call is gone: count it and replace it.
	 * @param worker the worker
	 * @param type {@link PoolEvent.Type#WORKER_TIMED_OUT} or
	 * {@link PoolEvent.Type#WORKER_CRASHED}
	 * @param detail what happened
	 */
	void lose(Worker worker, PoolEvent.Type type, @Nullable String detail) {
		Roster roster = this.roster;
		roster.lock.lock();
		try {
			worker.setBusy(false);
			roster.workers.remove(worker);
			roster.idle.remove(worker);
			if (type == PoolEvent.Type.WORKER_TIMED_OUT) {
				roster.counters.timedOut();
			}
			else {
				roster.counters.crashed(detail);
				this.crashesInARow++;
			}
			this.unreplaced++;
			replenish();
			roster.changed.signalAll();
		}
		finally {
			roster.lock.unlock();
		}
		this.events.publish(type, worker.pid(), detail);
		stopLater(worker::kill);
	}

	/**
	 * Count and replace an idle worker found dead, already taken off the idle list; lock
	 * held.
	 * @param worker the worker
	 */
	void discardDeadIdle(Worker worker) {
		Roster roster = this.roster;
		roster.workers.remove(worker);
		this.crashesInARow++;
		String detail = "Worker pid " + worker.pid() + " of pool '" + name() + "' died while idle with "
				+ worker.describeExit();
		worker.recordError(detail);
		roster.counters.crashed(detail);
		this.unreplaced++;
		replenish();
		this.launcher.execute(() -> {
			this.events.publish(PoolEvent.Type.WORKER_CRASHED, worker.pid(), detail);
			worker.kill();
		});
	}

	/**
	 * Called when any worker's process exits; only idle ones are this method's business.
	 */
	private void onExit(Worker worker) {
		Roster roster = this.roster;
		roster.lock.lock();
		try {
			if (roster.idle.remove(worker)) {
				discardDeadIdle(worker);
				roster.changed.signalAll();
			}
		}
		finally {
			roster.lock.unlock();
		}
	}

	/**
	 * Stop a worker on a launcher thread, so that the caller does not wait for it. Once
	 * {@link WorkerPool#close()} has shut the launcher down, stop it right here: the
	 * launcher would reject it, and the worker would outlive the pool.
	 * @param stop how to stop it
	 */
	void stopLater(Runnable stop) {
		try {
			this.launcher.execute(stop);
		}
		catch (RejectedExecutionException ex) {
			stop.run();
		}
	}

}
