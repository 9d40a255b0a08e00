package dev.ceramic.spring.autoconfigure;

import java.time.Duration;

import dev.ceramic.Durations;
import dev.ceramic.pool.WorkerPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Starts the pools with the application context and stops them with it. Its phase is
 * below the web server's, so pools are warm before the server takes requests and stop
 * only after it has drained them on graceful shutdown. Start-up waits for every pool's
 * min-workers unless {@code ceramic.wait-for-workers=false}; then the application's
 * readiness refuses traffic until they are ready ({@link WorkerReadiness}). As the
 * context begins to close, before the web server drains its requests, every pool begins
 * its shutdown: no worker starts any more, and calls still in flight after the pool's
 * {@code shutdown-grace} are ended, so that each gets an answer.
 */
class CeramicPoolsLifecycle
		implements SmartLifecycle, ApplicationListener<ContextClosedEvent>, ApplicationContextAware {

	/**
	 * Below the web server's start/stop ({@code DEFAULT_PHASE - 2048}) and graceful
	 * shutdown.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Logger logger = LoggerFactory.getLogger(CeramicPoolsLifecycle.class);

	private final CeramicPools pools;

	private final boolean waitForWorkers;

	private volatile boolean running;

	private @Nullable ApplicationContext context;

	CeramicPoolsLifecycle(CeramicPools pools, boolean waitForWorkers) {
		this.pools = pools;
		this.waitForWorkers = waitForWorkers;
	}

	@Override
	public void setApplicationContext(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public void start() {
		long start = System.nanoTime();
		WorkerMemoryCheck.warnIfWorkersCannotFit(this.pools.all().stream().map((pool) -> pool.settings()).toList());
		if (!this.waitForWorkers && this.context instanceof ConfigurableApplicationContext configurable) {
			// Added now, after Spring Boot's ApplicationAvailability, so that it hears
			// readiness events after it.
			WorkerReadiness readiness = new WorkerReadiness(configurable, this.pools.all());
			configurable.addApplicationListener(readiness);
			readiness.watch();
		}
		this.pools.start();
		this.running = true;
		if (this.waitForWorkers) {
			if (this.pools.awaitReady()) {
				logger.info("ceramic pools {} ready in {}",
						this.pools.all().stream().map((pool) -> pool.name()).toList(),
						Durations.formatMillis(Duration.ofNanos(System.nanoTime() - start)));
			}
			else {
				logger.warn("Not every ceramic pool has its min-workers ready; see the health endpoint. Pools: {}",
						this.pools.all().stream().map((pool) -> pool.snapshot().state() + " " + pool.name()).toList());
			}
		}
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() == this.context) {
			this.pools.all().forEach(WorkerPool::beginShutdown);
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
