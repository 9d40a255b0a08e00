package dev.ceramic.pool;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import dev.ceramic.test.pool.TestPools;
import dev.ceramic.test.pool.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.isAlive;
import static dev.ceramic.test.pool.TestPools.pids;
import static dev.ceramic.test.pool.TestPools.settings;
import static dev.ceramic.test.pool.TestPools.workerProcesses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers that die while idle are replaced without any caller noticing, and replacements
 * back off when workers die again and again.
 */
@Timeout(120)
class PoolCrashTests {

	@Test
	void aWorkerThatDiesWhileIdleIsReplacedWithoutAnyCallerNoticing() {
		TestPools.Events events = new TestPools.Events();
		WorkerPoolSettings settings = settings("crash-idle").minWorkers(2).maxWorkers(2).build();
		try (WorkerPool pool = TestPools.start(settings, events)) {
			TestService service = pool.proxy(TestService.class);
			Set<Long> before = pids(pool);
			long victim = before.iterator().next();
			ProcessHandle.of(victim).orElseThrow().destroyForcibly();
			await("a new worker replaced the killed one").until(() -> {
				Set<Long> now = pids(pool);
				return now.size() == 2 && !now.contains(victim);
			});
			assertThat(isAlive(victim)).isFalse();
			Set<Long> after = pids(pool);
			assertThat(after).containsAll(before.stream().filter((pid) -> pid != victim).toList());
			Set<Long> served = new HashSet<>();
			for (int i = 0; i < 20; i++) {
				served.add(service.pid());
			}
			assertThat(after).containsAll(served);
			PoolSnapshot snapshot = pool.snapshot(false);
			assertThat(snapshot.crashes()).isEqualTo(1);
			assertThat(snapshot.lastCrash()).contains("pid " + victim)
				.contains("died while idle")
				.contains("signal SIGKILL");
			assertThat(events.of(PoolEvent.Type.WORKER_CRASHED)).singleElement()
				.satisfies((event) -> assertThat(event.workerPid()).isEqualTo(victim));
		}
	}

	@Test
	void replacementsBackOffWhenWorkersDieInARow() {
		Duration backoff = Duration.ofMillis(800);
		WorkerPoolSettings settings = settings("crash-backoff").maxWorkers(1)
			.restartBackoff(backoff, Duration.ofSeconds(30))
			.build();
		try (WorkerPool pool = TestPools.start(settings)) {
			long first = pids(pool).iterator().next();
			// The first death in a row waits restart-backoff before the replacement
			// starts, the second twice that.
			long second = killAndAwaitReplacement(pool, first);
			assertThat(spawnDelayAfterKill).isGreaterThanOrEqualTo(backoff);
			long third = killAndAwaitReplacement(pool, second);
			assertThat(spawnDelayAfterKill).isGreaterThanOrEqualTo(backoff.multipliedBy(2));
			assertThat(pool.snapshot(false).crashes()).isEqualTo(2);
			assertThat(pool.proxy(TestService.class).pid()).isEqualTo(third);
		}
	}

	private Duration spawnDelayAfterKill;

	/**
	 * Kill a worker and wait until its replacement serves, measuring when its process
	 * appeared. The process is seen at the latest when it started, so the delay measured
	 * is never shorter than the real one.
	 */
	private long killAndAwaitReplacement(WorkerPool pool, long victim) {
		long killed = System.nanoTime();
		ProcessHandle.of(victim).orElseThrow().destroyForcibly();
		long[] spawned = { 0 };
		await("a replacement process appears").until(() -> {
			boolean appeared = workerProcesses(pool.name()).stream().anyMatch((process) -> process.pid() != victim);
			if (appeared) {
				spawned[0] = System.nanoTime();
			}
			return appeared;
		});
		this.spawnDelayAfterKill = Duration.ofNanos(spawned[0] - killed);
		await("the replacement is ready").until(() -> {
			Set<Long> now = pids(pool);
			return now.size() == 1 && !now.contains(victim);
		});
		return pids(pool).iterator().next();
	}

}
