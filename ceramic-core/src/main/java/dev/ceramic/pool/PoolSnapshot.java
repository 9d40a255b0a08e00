package dev.ceramic.pool;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The state of a pool at one moment, for health checks, endpoints and tests.
 *
 * @param name the pool's name
 * @param state the pool's state
 * @param workers the live workers
 * @param startingWorkers workers being started
 * @param queuedCalls calls waiting for a worker
 * @param workersStarted workers started since the pool started: its first min-workers,
 * replacements and growth
 * @param replacements workers started in place of ones that died, timed out or were
 * recycled
 * @param growth workers started because calls were waiting for a worker, beyond the
 * min-workers
 * @param crashes workers that died
 * @param timeouts calls that timed out
 * @param recycles workers retired for max-calls-per-worker or max-worker-memory
 * @param startFailures workers that failed to start
 * @param lastCrash the message of the last crash, or {@code null}
 * @param recentFailures crashes, timeouts and failed starts in the last minute
 * @param minWorkers the pool's min-workers
 * @param maxWorkers the pool's max-workers
 */
public record PoolSnapshot(String name, PoolState state, List<WorkerSnapshot> workers, int startingWorkers,
		int queuedCalls, long workersStarted, long replacements, long growth, long crashes, long timeouts,
		long recycles, long startFailures, @Nullable String lastCrash, int recentFailures, int minWorkers,
		int maxWorkers) {

	/**
	 * Return the number of workers running a call.
	 * @return the busy workers
	 */
	public long busyWorkers() {
		return this.workers.stream().filter(WorkerSnapshot::busy).count();
	}

	/**
	 * Return the number of workers waiting for a call.
	 * @return the idle workers
	 */
	public long idleWorkers() {
		return this.workers.size() - busyWorkers();
	}

	/**
	 * The state of one worker.
	 *
	 * @param pid the worker's pid
	 * @param busy whether it is running a call
	 * @param callsServed calls it has completed
	 * @param residentMemory its resident memory in bytes, or -1 if unknown
	 * @param proportionalMemory its proportional set size in bytes (resident memory with
	 * pages shared with other processes divided among them), or -1 if unknown
	 * @param startupTime how long it took from its launch until it greeted the pool
	 * @param uptime how long it has been running
	 * @param lastError the last error it reported, or {@code null}
	 */
	public record WorkerSnapshot(long pid, boolean busy, long callsServed, long residentMemory, long proportionalMemory,
			Duration startupTime, Duration uptime, @Nullable String lastError) {

	}

}
