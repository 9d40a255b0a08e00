package dev.ceramic.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pool's workers, idle and busy, its state, and the workers starting and calls
 * waiting, under the one lock that every part of the pool holds to read or change them.
 * {@link #changed} is signalled whenever any of them changes.
 */
final class Roster {

	final ReentrantLock lock = new ReentrantLock();

	final Condition changed = this.lock.newCondition();

	// Guarded by lock.

	/** Every live worker, idle or busy. */
	final Set<Worker> workers = new LinkedHashSet<>();

	/** The idle workers, most recently used first. */
	final Deque<Worker> idle = new ArrayDeque<>();

	final PoolCounters counters = new PoolCounters();

	PoolState state = PoolState.NEW;

	int starting;

	int waiting;

	/**
	 * When shutdown began ({@link System#nanoTime()}) plus the shutdown-grace: from then
	 * on no worker starts, and calls still in flight at this deadline are ended. Set
	 * once.
	 */
	long shutdownDeadline;

	boolean shutdownBegun;

	/**
	 * Return whether the pool is shutting down or shut down; to be called with the lock
	 * held.
	 * @return whether it takes no more calls
	 */
	boolean isShutDown() {
		return this.state == PoolState.STOPPING || this.state == PoolState.STOPPED;
	}

	/**
	 * Wait until at least {@code count} workers are up.
	 * @param count how many
	 * @param timeout how long to wait
	 * @return whether they are; {@code false} when the time ran out or the pool failed or
	 * stopped
	 */
	boolean awaitWorkers(int count, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		this.lock.lock();
		try {
			while (this.workers.size() < count) {
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
	 * Return the pool's state and its workers'.
	 * @param name the pool's name
	 * @param settings the pool's settings
	 * @param withMemory whether to read each worker's resident memory
	 * @return a snapshot
	 */
	PoolSnapshot snapshot(String name, WorkerPoolSettings settings, boolean withMemory) {
		List<Worker> live;
		PoolState currentState;
		int startingNow;
		int waitingNow;
		PoolCounters.Totals totals;
		this.lock.lock();
		try {
			live = new ArrayList<>(this.workers);
			currentState = this.state;
			startingNow = this.starting;
			waitingNow = this.waiting;
			totals = this.counters.totals();
		}
		finally {
			this.lock.unlock();
		}
		Instant now = Instant.now();
		List<PoolSnapshot.WorkerSnapshot> workerSnapshots = live.stream()
			.map((worker) -> new PoolSnapshot.WorkerSnapshot(worker.pid(), worker.isBusy(), worker.callsServed(),
					withMemory ? worker.residentMemory() : -1, withMemory ? worker.proportionalMemory() : -1,
					worker.startupTime(), Duration.between(worker.startedAt(), now), worker.lastError()))
			.toList();
		return new PoolSnapshot(name, currentState, workerSnapshots, startingNow, waitingNow, totals.workersStarted(),
				totals.replacements(), totals.growth(), totals.crashes(), totals.timeouts(), totals.recycles(),
				totals.startFailures(), totals.lastCrash(), totals.recentFailures(), settings.sizing().minWorkers(),
				settings.sizing().maxWorkers());
	}

}
