package dev.ceramic.spring.autoconfigure;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.ceramic.pool.WorkerPool;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;

/**
 * The application's worker pools, by name: one {@link WorkerPool} for each pool that an
 * {@code @OutOfProcess} service names. Pools start with the application context and stop
 * with it, so that no worker outlives the application.
 */
public class CeramicPools implements DisposableBean {

	private final Map<String, WorkerPool> pools;

	public CeramicPools(Map<String, WorkerPool> pools) {
		this.pools = Map.copyOf(new LinkedHashMap<>(pools));
	}

	/**
	 * Return a proxy into a pool.
	 * @param <T> the service interface
	 * @param pool the pool's name
	 * @param serviceInterface the service interface
	 * @return the proxy
	 */
	public <T> T proxy(String pool, Class<T> serviceInterface) {
		WorkerPool workerPool = this.pools.get(pool);
		if (workerPool == null) {
			throw new IllegalStateException("No ceramic pool named '" + pool + "'; pools: " + this.pools.keySet());
		}
		return workerPool.proxy(serviceInterface);
	}

	/**
	 * Return a pool.
	 * @param name the pool's name
	 * @return the pool, or {@code null}
	 */
	public @Nullable WorkerPool get(String name) {
		return this.pools.get(name);
	}

	/**
	 * Return every pool.
	 * @return the pools
	 */
	public Collection<WorkerPool> all() {
		return this.pools.values();
	}

	/**
	 * Start every pool; their workers start in parallel.
	 */
	public void start() {
		this.pools.values().forEach(WorkerPool::start);
	}

	/**
	 * Wait until every pool has its min-workers ready, each for at most its
	 * startup-timeout.
	 * @return whether all are ready
	 */
	public boolean awaitReady() {
		return this.pools.values()
			.stream()
			.map((pool) -> CompletableFuture
				.supplyAsync(() -> pool.awaitReady(pool.settings().startupTimeout().plus(Duration.ofSeconds(1)))))
			.toList()
			.stream()
			.allMatch(CompletableFuture::join);
	}

	/**
	 * Stop every pool, in parallel: calls in flight finish within each pool's
	 * shutdown-grace, then every worker is gone.
	 */
	public void stop() {
		this.pools.values()
			.stream()
			.map((pool) -> CompletableFuture.runAsync(pool::close))
			.toList()
			.forEach(CompletableFuture::join);
	}

	@Override
	public void destroy() {
		stop();
	}

}
