package dev.ceramic.spring.autoconfigure.actuate;

import java.time.Duration;

import dev.ceramic.pool.WorkerPool;
import dev.ceramic.pool.WorkerPoolSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PoolHealthIndicator} against real pools in each state.
 */
class PoolHealthIndicatorTests {

	@Test
	void aPoolWithItsMinWorkersRunningIsUp() {
		try (WorkerPool pool = pool("health-up")) {
			pool.start();
			assertThat(pool.awaitReady(Duration.ofSeconds(60))).isTrue();
			Health health = new PoolHealthIndicator(pool).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("workers", 1).containsEntry("minWorkers", 1);
		}
	}

	@Test
	void aPoolBelowItsMinWorkersIsDegraded() {
		try (WorkerPool pool = pool("health-degraded")) {
			Health health = new PoolHealthIndicator(pool).health();
			assertThat(health.getStatus()).isEqualTo(PoolHealthIndicator.DEGRADED);
			assertThat(health.getDetails()).containsEntry("workers", 0);
		}
	}

	@Test
	void aStoppedPoolIsDown() {
		WorkerPool pool = pool("health-down");
		pool.close();
		Health health = new PoolHealthIndicator(pool).health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("state", dev.ceramic.pool.PoolState.STOPPED);
	}

	private static WorkerPool pool(String name) {
		return WorkerPool.builder(WorkerPoolSettings.builder(name).minWorkers(1).maxWorkers(1).build())
			.service(Ping.class, PingService.class)
			.build();
	}

	/**
	 * A service for health tests.
	 */
	public interface Ping {

		String ping();

	}

	/**
	 * Its implementation.
	 */
	public static class PingService implements Ping {

		@Override
		public String ping() {
			return "pong";
		}

	}

}
