package dev.ceramic.pool;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import dev.ceramic.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's periodic round over its idle workers: stops those above {@code min-workers}
 * idle past {@code idle-timeout}, recycles those past {@code max-worker-memory}, and tops
 * the pool up.
 */
final class HouseKeeping implements Runnable {

	// Under the pool's own category, the one applications configure.
	private static final Logger logger = LoggerFactory.getLogger(WorkerPool.class);

	private final WorkerPoolSettings settings;

	private final Roster roster;

	private final Supervisor supervisor;

	private final PoolEvents events;

	HouseKeeping(WorkerPoolSettings settings, Roster roster, Supervisor supervisor, PoolEvents events) {
		this.settings = settings;
		this.roster = roster;
		this.supervisor = supervisor;
		this.events = events;
	}

	/**
	 * Return how often the round runs: half the idle-timeout, within 50 ms and 1 s.
	 * @param settings the pool's settings
	 * @return the period in milliseconds
	 */
	static long periodMillis(WorkerPoolSettings settings) {
		return Math.max(50, Math.min(1000, settings.sizing().idleTimeout().toMillis() / 2));
	}

	@Override
	public void run() {
		try {
			List<Worker> stopped = new ArrayList<>();
			List<Worker> memoryCandidates = new ArrayList<>();
			Roster roster = this.roster;
			roster.lock.lock();
			try {
				if (roster.state != PoolState.RUNNING || roster.shutdownBegun) {
					return;
				}
				long now = System.nanoTime();
				Iterator<Worker> leastRecentlyUsed = roster.idle.descendingIterator();
				while (leastRecentlyUsed.hasNext()) {
					Worker worker = leastRecentlyUsed.next();
					if (roster.workers.size() > this.supervisor.wanted()
							&& now - worker.lastUsedNanos() > this.settings.sizing().idleTimeout().toNanos()) {
						leastRecentlyUsed.remove();
						roster.workers.remove(worker);
						stopped.add(worker);
					}
					else if (this.settings.recycling().maxWorkerMemory() > 0) {
						memoryCandidates.add(worker);
					}
				}
			}
			finally {
				roster.lock.unlock();
			}
			for (Worker worker : stopped) {
				this.events.publish(PoolEvent.Type.WORKER_IDLE_STOPPED, worker.pid(),
						"no call within the idle-timeout of " + Durations.format(this.settings.sizing().idleTimeout())
								+ ", above min-workers");
				worker.retire();
			}
			long maxMemory = this.settings.recycling().maxWorkerMemory();
			for (Worker worker : memoryCandidates) {
				long memory = worker.residentMemory();
				if (memory > maxMemory) {
					recycle(worker, "its resident memory of " + (memory >> 20) + "MB is over the max-worker-memory of "
							+ CrashReport.describeSize(maxMemory));
				}
			}
			roster.lock.lock();
			try {
				this.supervisor.replenish();
			}
			finally {
				roster.lock.unlock();
			}
		}
		catch (RuntimeException ex) {
			logger.warn("House-keeping of pool '{}' failed", this.settings.name(), ex);
		}
	}

	/** Retire an idle worker past max-worker-memory, unless a call took it meanwhile. */
	private void recycle(Worker worker, String reason) {
		boolean removed;
		this.roster.lock.lock();
		try {
			removed = this.roster.idle.remove(worker);
			if (removed) {
				this.supervisor.recycle(worker);
			}
		}
		finally {
			this.roster.lock.unlock();
		}
		if (removed) {
			this.events.publish(PoolEvent.Type.WORKER_RECYCLED, worker.pid(), reason);
			worker.retire();
		}
	}

}
