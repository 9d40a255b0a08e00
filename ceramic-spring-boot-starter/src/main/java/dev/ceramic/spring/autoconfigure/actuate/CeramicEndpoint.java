package dev.ceramic.spring.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ceramic.pool.PoolSnapshot;
import dev.ceramic.pool.PoolState;
import dev.ceramic.spring.autoconfigure.CeramicPools;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code ceramic} endpoint: every pool and its workers, with pid, state, calls
 * served, resident memory, uptime and last error.
 */
@Endpoint(id = "ceramic")
public class CeramicEndpoint {

	private final CeramicPools pools;

	public CeramicEndpoint(CeramicPools pools) {
		this.pools = pools;
	}

	@ReadOperation
	public CeramicDescriptor pools() {
		Map<String, PoolDescriptor> pools = new LinkedHashMap<>();
		this.pools.all().forEach((pool) -> pools.put(pool.name(), PoolDescriptor.of(pool.snapshot())));
		return new CeramicDescriptor(pools);
	}

	/**
	 * The endpoint's answer.
	 *
	 * @param pools the pools by name
	 */
	public record CeramicDescriptor(Map<String, PoolDescriptor> pools) {

	}

	/**
	 * One pool.
	 *
	 * @param state the pool's state
	 * @param minWorkers its min-workers
	 * @param maxWorkers its max-workers
	 * @param startingWorkers workers being started
	 * @param queuedCalls calls waiting for a worker
	 * @param workersStarted workers started so far
	 * @param restarts workers started beyond the first min-workers
	 * @param crashes workers that died
	 * @param timeouts calls that timed out
	 * @param recycles workers recycled
	 * @param lastCrash the last crash, if any
	 * @param workers the live workers
	 */
	public record PoolDescriptor(PoolState state, int minWorkers, int maxWorkers, int startingWorkers, int queuedCalls,
			long workersStarted, long restarts, long crashes, long timeouts, long recycles, @Nullable String lastCrash,
			List<WorkerDescriptor> workers) {

		static PoolDescriptor of(PoolSnapshot snapshot) {
			return new PoolDescriptor(snapshot.state(), snapshot.minWorkers(), snapshot.maxWorkers(),
					snapshot.startingWorkers(), snapshot.queuedCalls(), snapshot.workersStarted(),
					Math.max(0, snapshot.workersStarted() - snapshot.minWorkers()), snapshot.crashes(),
					snapshot.timeouts(), snapshot.recycles(), snapshot.lastCrash(),
					snapshot.workers().stream().map(WorkerDescriptor::of).toList());
		}

	}

	/**
	 * One worker.
	 *
	 * @param pid its pid
	 * @param state {@code busy} or {@code idle}
	 * @param callsServed calls it has completed
	 * @param residentMemoryBytes its resident memory, or -1
	 * @param uptimeSeconds how long it has run
	 * @param lastError its last error, if any
	 */
	public record WorkerDescriptor(long pid, String state, long callsServed, long residentMemoryBytes,
			long uptimeSeconds, @Nullable String lastError) {

		static WorkerDescriptor of(PoolSnapshot.WorkerSnapshot worker) {
			return new WorkerDescriptor(worker.pid(), worker.busy() ? "busy" : "idle", worker.callsServed(),
					worker.residentMemory(), worker.uptime().toSeconds(), worker.lastError());
		}

	}

}
