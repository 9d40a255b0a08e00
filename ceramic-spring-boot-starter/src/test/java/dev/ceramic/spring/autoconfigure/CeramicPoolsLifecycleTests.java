package dev.ceramic.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.ceramic.pool.PoolSnapshot;
import dev.ceramic.pool.PoolState;
import dev.ceramic.pool.WorkerPool;
import dev.ceramic.spring.fixtures.basic.BasicFixtures;
import dev.ceramic.spring.fixtures.basic.Echo;
import dev.ceramic.spring.fixtures.slow.SlowFixtures;
import dev.ceramic.spring.fixtures.slow.SlowService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CeramicPoolsLifecycle} with real worker JVMs: pools start with the
 * context, start-up waits for {@code min-workers} unless told not to, and closing the
 * context leaves no worker process behind.
 */
class CeramicPoolsLifecycleTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CeramicAutoConfiguration.class))
		.withPropertyValues("ceramic.defaults.startup-timeout=90s",
				"ceramic.defaults.jvm-args=-XX:TieredStopAtLevel=1,-XX:+UseSerialGC,-Xmx64m");

	@TempDir
	Path temp;

	@Test
	void whenWaitingForWorkersThenRefreshReturnsOnlyOnceMinWorkersAreReady() {
		long start = System.nanoTime();
		this.contextRunner.withUserConfiguration(SlowFixtures.class)
			.withPropertyValues("ceramic.pools.slow.min-workers=2", "ceramic.pools.slow.max-workers=2",
					"ceramic.pools.slow.system-properties." + SlowService.DELAY_PROPERTY + "=2000")
			.run((context) -> {
				Duration refresh = Duration.ofNanos(System.nanoTime() - start);
				PoolSnapshot snapshot = context.getBean(CeramicPools.class).get("slow").snapshot(false);
				assertThat(snapshot.state()).isEqualTo(PoolState.RUNNING);
				assertThat(snapshot.workers()).hasSize(2);
				assertThat(snapshot.startingWorkers()).isZero();
				assertThat(refresh).as("refresh waited for the workers' 2 s constructors")
					.isGreaterThanOrEqualTo(Duration.ofSeconds(2));
			});
	}

	@Test
	void whenNotWaitingForWorkersThenRefreshReturnsWhileTheyAreStillStarting() throws IOException {
		Path gate = this.temp.resolve("gate");
		long start = System.nanoTime();
		this.contextRunner.withUserConfiguration(SlowFixtures.class)
			.withPropertyValues("ceramic.wait-for-workers=false", "ceramic.pools.slow.min-workers=1",
					"ceramic.pools.slow.max-workers=1",
					"ceramic.pools.slow.system-properties." + SlowService.GATE_PROPERTY + "=" + gate)
			.run((context) -> {
				Duration refresh = Duration.ofNanos(System.nanoTime() - start);
				WorkerPool pool = context.getBean(CeramicPools.class).get("slow");
				PoolSnapshot snapshot = pool.snapshot(false);
				// The worker's constructor waits for the gate, which is still closed: a
				// refresh that waited could only have returned after the startup-timeout,
				// with the worker killed.
				assertThat(refresh).isLessThan(pool.settings().startupTimeout());
				assertThat(snapshot.state()).isEqualTo(PoolState.RUNNING);
				assertThat(snapshot.startFailures()).isZero();
				assertThat(snapshot.workers()).isEmpty();
				assertThat(snapshot.startingWorkers()).isOne();
				Files.createFile(gate);
				assertThat(pool.awaitReady(Duration.ofSeconds(90))).isTrue();
				assertThat(pool.snapshot(false).workers()).hasSize(1);
			});
	}

	@Test
	void whenTheContextClosesThenNoWorkerProcessIsLeft() {
		List<ProcessHandle> workers = new ArrayList<>();
		this.contextRunner.withUserConfiguration(BasicFixtures.class)
			.withPropertyValues("ceramic.pools.echo.min-workers=2", "ceramic.pools.echo.max-workers=2")
			.run((context) -> {
				assertThat(context.getBean(Echo.class).echo("hello")).isEqualTo("echo: hello");
				for (PoolSnapshot.WorkerSnapshot worker : context.getBean(CeramicPools.class)
					.get("echo")
					.snapshot(false)
					.workers()) {
					workers.add(ProcessHandle.of(worker.pid()).orElseThrow());
				}
				assertThat(workers).hasSize(2).allMatch(ProcessHandle::isAlive);
			});
		assertThat(workers).hasSize(2).noneMatch(ProcessHandle::isAlive);
	}

}
