package dev.ceramic.pool;

import dev.ceramic.Durations;

/**
 * Hands workers to calls one at a time and takes them back: a call takes the most
 * recently used idle worker, or waits for one up to {@code acquire-timeout} with at most
 * {@code max-queued-calls} others; a worker that comes back due for recycling is retired
 * instead of going idle.
 */
final class Leases {

	private final WorkerPoolSettings settings;

	private final Roster roster;

	private final Supervisor supervisor;

	private final PoolEvents events;

	private final Runnable startPool;

	Leases(WorkerPoolSettings settings, Roster roster, Supervisor supervisor, PoolEvents events, Runnable startPool) {
		this.settings = settings;
		this.roster = roster;
		this.supervisor = supervisor;
		this.events = events;
		this.startPool = startPool;
	}

	private String name() {
		return this.settings.name();
	}

	/**
	 * Take a worker for one call, starting the pool if it was not.
	 * @return the worker, marked busy
	 * @throws CallRejectedException if none can be had
	 * @throws CallTimeoutException if the thread was interrupted while waiting
	 */
	Worker lease() {
		long deadline = System.nanoTime() + this.settings.queue().acquireTimeout().toNanos();
		Roster roster = this.roster;
		roster.lock.lock();
		try {
			if (roster.state == PoolState.NEW) {
				roster.lock.unlock();
				try {
					this.startPool.run();
				}
				finally {
					roster.lock.lock();
				}
			}
			while (true) {
				if (roster.state == PoolState.FAILED) {
					throw this.supervisor.poolFailed();
				}
				if (roster.isShutDown()) {
					throw new CallRejectedException(name(), CallRejectedException.Reason.SHUT_DOWN,
							"Pool '" + name() + "' is shut down and takes no more calls", null);
				}
				Worker worker = roster.idle.pollFirst();
				if (worker != null) {
					if (!worker.isAlive()) {
						this.supervisor.discardDeadIdle(worker);
						continue;
					}
					worker.setBusy(true);
					// One idle worker fewer: start spares to stand in for it.
					this.supervisor.replenish();
					return worker;
				}
				if (roster.workers.size() + roster.starting < this.settings.sizing().maxWorkers()
						&& roster.starting <= roster.waiting) {
					this.supervisor.startWorker();
				}
				if (roster.waiting >= this.settings.queue().maxQueuedCalls()) {
					throw new CallRejectedException(name(), CallRejectedException.Reason.QUEUE_FULL,
							"Pool '" + name() + "' is saturated: all " + roster.workers.size()
									+ " workers are busy and " + roster.waiting
									+ " calls are already waiting (max-queued-calls); raise max-workers or "
									+ "max-queued-calls if this load is expected",
							null);
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					throw new CallRejectedException(name(), CallRejectedException.Reason.ACQUIRE_TIMEOUT,
							"Pool '" + name() + "' had no free worker within the acquire-timeout of "
									+ Durations.format(this.settings.queue().acquireTimeout()) + " ("
									+ roster.workers.size() + " workers, " + roster.starting + " starting, max-workers "
									+ this.settings.sizing().maxWorkers()
									+ "); raise max-workers or acquire-timeout if this load is expected",
							null);
				}
				roster.waiting++;
				try {
					roster.changed.awaitNanos(remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new CallTimeoutException(name(), 0,
							"Interrupted while waiting for a worker of pool '" + name() + "'; nothing was sent",
							this.settings.queue().acquireTimeout());
				}
				finally {
					roster.waiting--;
				}
			}
		}
		finally {
			roster.lock.unlock();
		}
	}

	/**
	 * Take back a worker whose call completed: it goes idle, or is recycled when it has
	 * served its calls or grown past {@code max-worker-memory}.
	 * @param worker the worker
	 */
	void release(Worker worker) {
		String reason = worker.dueForRecycling() ? "after " + worker.callsServed() + " calls"
				: (this.settings.recycling().maxWorkerMemory() > 0 && worker.memoryCheckDue()
						&& worker.isOverMemory(this.settings.recycling().maxWorkerMemory()))
								? "resident memory over max-worker-memory" : null;
		boolean recycle = reason != null;
		Roster roster = this.roster;
		roster.lock.lock();
		try {
			worker.setBusy(false);
			this.supervisor.callCompleted();
			if (recycle && roster.state == PoolState.RUNNING) {
				this.supervisor.recycle(worker);
			}
			else {
				roster.idle.addFirst(worker);
				recycle = false;
			}
			roster.changed.signalAll();
		}
		finally {
			roster.lock.unlock();
		}
		if (recycle) {
			this.events.publish(PoolEvent.Type.WORKER_RECYCLED, worker.pid(), reason);
			this.supervisor.stopLater(worker::retire);
		}
	}

}
