package dev.ceramic.spring.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.ceramic.pool.PoolSnapshot;
import dev.ceramic.pool.PoolState;
import dev.ceramic.spring.autoconfigure.CeramicPools;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code ceramic} endpoint: every pool and its workers, with pid, state, calls
 * served, resident memory, uptime and last error. The last crash and last errors hold the
 * workers' last lines of standard error and the paths of fatal error logs, so they are
 * filled in only when {@code management.endpoint.ceramic.show-details} allows it for the
 * caller, and are {@code null} otherwise.
 */
@Endpoint(id = "ceramic")
public class CeramicEndpoint {

	private final CeramicPools pools;

	private final Show showDetails;

	private final Set<String> roles;

	/**
	 * Make an endpoint that never shows crash messages or last errors.
	 * @param pools the pools
	 */
	public CeramicEndpoint(CeramicPools pools) {
		this(pools, Show.NEVER, Set.of());
	}

	/**
	 * Make an endpoint.
	 * @param pools the pools
	 * @param showDetails when to show crash messages and last errors
	 * @param roles the roles that may see them when {@code showDetails} is
	 * {@link Show#WHEN_AUTHORIZED} (empty: any authenticated user)
	 */
	public CeramicEndpoint(CeramicPools pools, Show showDetails, Set<String> roles) {
		this.pools = pools;
		this.showDetails = showDetails;
		this.roles = Set.copyOf(roles);
	}

	/**
	 * Describe every pool.
	 * @param securityContext the caller, for {@code show-details: when-authorized}
	 * ({@link SecurityContext#NONE} over JMX, which then shows no details)
	 * @return the pools
	 */
	@ReadOperation
	public CeramicDescriptor pools(SecurityContext securityContext) {
		boolean details = this.showDetails.isShown(securityContext, this.roles);
		Map<String, PoolDescriptor> pools = new LinkedHashMap<>();
		this.pools.all().forEach((pool) -> pools.put(pool.name(), PoolDescriptor.of(pool.snapshot(), details)));
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
	 * @param workersStarted workers started so far: the first min-workers, replacements
	 * and growth
	 * @param replacements workers started in place of ones that died, timed out or were
	 * recycled
	 * @param growth workers started because calls were waiting, beyond min-workers
	 * @param crashes workers that died
	 * @param timeouts calls that timed out
	 * @param recycles workers recycled
	 * @param lastCrash the last crash, if any and if details are shown
	 * @param workers the live workers
	 */
	public record PoolDescriptor(PoolState state, int minWorkers, int maxWorkers, int startingWorkers, int queuedCalls,
			long workersStarted, long replacements, long growth, long crashes, long timeouts, long recycles,
			@Nullable String lastCrash, List<WorkerDescriptor> workers) {

		static PoolDescriptor of(PoolSnapshot snapshot, boolean details) {
			return new PoolDescriptor(snapshot.state(), snapshot.minWorkers(), snapshot.maxWorkers(),
					snapshot.startingWorkers(), snapshot.queuedCalls(), snapshot.workersStarted(),
					snapshot.replacements(), snapshot.growth(), snapshot.crashes(), snapshot.timeouts(),
					snapshot.recycles(), details ? snapshot.lastCrash() : null,
					snapshot.workers().stream().map((worker) -> WorkerDescriptor.of(worker, details)).toList());
		}

	}

	/**
	 * One worker.
	 *
	 * @param pid its pid
	 * @param state {@code busy} or {@code idle}
	 * @param callsServed calls it has completed
	 * @param residentMemoryBytes its resident memory, or -1
	 * @param proportionalMemoryBytes its resident memory with pages it shares with other
	 * processes divided among them (PSS), or -1
	 * @param startupMillis how long it took from its launch until it was ready
	 * @param uptimeSeconds how long it has run
	 * @param lastError its last error, if any and if details are shown
	 */
	public record WorkerDescriptor(long pid, String state, long callsServed, long residentMemoryBytes,
			long proportionalMemoryBytes, long startupMillis, long uptimeSeconds, @Nullable String lastError) {

		static WorkerDescriptor of(PoolSnapshot.WorkerSnapshot worker, boolean details) {
			return new WorkerDescriptor(worker.pid(), worker.busy() ? "busy" : "idle", worker.callsServed(),
					worker.residentMemory(), worker.proportionalMemory(), worker.startupTime().toMillis(),
					worker.uptime().toSeconds(), details ? worker.lastError() : null);
		}

	}

}
