package dev.ceramic.spring.autoconfigure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the pools with the application context and stops them with it. Its phase is
 * below the web server's, so pools are warm before the server takes requests and stop
 * only after it has drained them on graceful shutdown. Start-up waits for every pool's
 * min-workers unless {@code ceramic.wait-for-workers=false}, which keeps readiness back
 * until workers are warm.
 */
class CeramicPoolsLifecycle implements SmartLifecycle {

	/**
	 * Below the web server's start/stop ({@code DEFAULT_PHASE - 2048}) and graceful
	 * shutdown.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Logger logger = LoggerFactory.getLogger(CeramicPoolsLifecycle.class);

	private final CeramicPools pools;

	private final boolean waitForWorkers;

	private volatile boolean running;

	CeramicPoolsLifecycle(CeramicPools pools, boolean waitForWorkers) {
		this.pools = pools;
		this.waitForWorkers = waitForWorkers;
	}

	@Override
	public void start() {
		long start = System.nanoTime();
		WorkerMemoryCheck.warnIfWorkersCannotFit(this.pools.all().stream().map((pool) -> pool.settings()).toList());
		this.pools.start();
		this.running = true;
		if (this.waitForWorkers) {
			if (this.pools.awaitReady()) {
				logger.info("ceramic pools {} ready in {} ms",
						this.pools.all().stream().map((pool) -> pool.name()).toList(),
						(System.nanoTime() - start) / 1_000_000);
			}
			else {
				logger.warn("Not every ceramic pool has its min-workers ready; see the health endpoint. Pools: {}",
						this.pools.all().stream().map((pool) -> pool.snapshot().state() + " " + pool.name()).toList());
			}
		}
	}

	@Override
	public void stop() {
		this.running = false;
		this.pools.stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
