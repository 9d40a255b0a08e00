package dev.ceramic.spring.autoconfigure.actuate;

import java.time.Duration;
import java.util.Map;

import dev.ceramic.pool.WorkerPool;
import dev.ceramic.pool.WorkerPoolSettings;
import dev.ceramic.pool.WorkerCrashedException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

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
	void aPoolWithNoWorkerReadyIsDegraded() {
		try (WorkerPool pool = pool("health-degraded")) {
			Health health = new PoolHealthIndicator(pool).health();
			assertThat(health.getStatus()).isEqualTo(PoolHealthIndicator.DEGRADED);
			assertThat(health.getDetails()).containsEntry("workers", 0);
		}
	}

	@Test
	void aPoolReplacingAWorkerAfterASingleCrashIsUpAndCountsOneReplacement() {
		// Each worker takes 3 s to start, so the replacement is still starting when the
		// crashed call returns.
		try (WorkerPool pool = WorkerPool
			.builder(WorkerPoolSettings.builder("health-crash")
				.minWorkers(2)
				.maxWorkers(2)
				.systemProperties(Map.of(PingService.START_DELAY, "3000"))
				.build())
			.service(Ping.class, PingService.class)
			.build()) {
			pool.start();
			assertThat(pool.awaitReady(Duration.ofSeconds(60))).isTrue();
			assertThatExceptionOfType(WorkerCrashedException.class).isThrownBy(() -> pool.proxy(Ping.class).exit(3));
			Health replacing = new PoolHealthIndicator(pool).health();
			assertThat(replacing.getDetails()).containsEntry("workers", 1).containsEntry("starting", 1);
			assertThat(replacing.getStatus()).isEqualTo(Status.UP);
			await("the crashed worker is replaced").atMost(Duration.ofSeconds(60))
				.until(() -> pool.snapshot(false).idleWorkers() == 2);
			Health health = new PoolHealthIndicator(pool).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("workers", 2)
				.containsEntry("idle", 2L)
				.containsEntry("crashes", 1L)
				.containsEntry("replacements", 1L)
				.containsEntry("growth", 0L)
				.doesNotContainKey("restarts");
		}
	}

	@Test
	void aPoolWhoseWorkersKeepDyingIsDegradedEvenAtFullStrength() {
		try (WorkerPool pool = pool("health-dying")) {
			pool.start();
			for (int i = 0; i < PoolHealthIndicator.DEGRADED_FAILURES; i++) {
				assertThat(pool.awaitReady(Duration.ofSeconds(60))).isTrue();
				assertThatExceptionOfType(WorkerCrashedException.class)
					.isThrownBy(() -> pool.proxy(Ping.class).exit(3));
			}
			assertThat(pool.awaitReady(Duration.ofSeconds(60))).isTrue();
			Health health = new PoolHealthIndicator(pool).health();
			assertThat(health.getStatus()).isEqualTo(PoolHealthIndicator.DEGRADED);
			assertThat(health.getDetails()).containsEntry("workers", 1)
				.containsEntry("recentFailures", PoolHealthIndicator.DEGRADED_FAILURES);
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

		void exit(int status);

	}

	/**
	 * Its implementation.
	 */
	public static class PingService implements Ping {

		static final String START_DELAY = "ceramic-test-ping-start-delay";

		public PingService() throws InterruptedException {
			Thread.sleep(Long.getLong(START_DELAY, 0));
		}

		@Override
		public String ping() {
			return "pong";
		}

		@Override
		public void exit(int status) {
			Runtime.getRuntime().halt(status);
		}

	}

}
