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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ceramic.pool.CallTimeoutException;
import dev.ceramic.pool.PoolEvent;
import dev.ceramic.spring.fixtures.slow.Slow;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
	void whenNotWaitingForWorkersThenReadinessRefusesTrafficUntilTheyAreReady() throws IOException {
		Path gate = this.temp.resolve("gate");
		SpringApplication application = new SpringApplication(ReadinessApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run("--ceramic.wait-for-workers=false",
				"--ceramic.pools.slow.min-workers=2", "--ceramic.pools.slow.max-workers=2",
				"--ceramic.pools.slow.startup-timeout=90s", "--ceramic.pools.slow.jvm-args=" + JVM_ARGS,
				"--ceramic.pools.slow.system-properties." + SlowService.GATE_PROPERTY + "=" + gate)) {
			ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
			assertThat(context.getBean(CeramicPools.class).get("slow").snapshot(false).workers()).isEmpty();
			assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
			Files.createFile(gate);
			await("readiness accepts traffic").atMost(Duration.ofSeconds(90))
				.until(() -> availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC);
			assertThat(context.getBean(CeramicPools.class).get("slow").snapshot(false).workers()).hasSize(2);
		}
	}

	@Test
	void whenWaitingForWorkersThenReadinessAcceptsTrafficOnceStartUpIsOver() {
		SpringApplication application = new SpringApplication(ReadinessApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run("--ceramic.pools.slow.min-workers=1",
				"--ceramic.pools.slow.startup-timeout=90s", "--ceramic.pools.slow.jvm-args=" + JVM_ARGS)) {
			assertThat(context.getBean(CeramicPools.class).get("slow").snapshot(false).workers()).hasSize(1);
			assertThat(context.getBean(ApplicationAvailability.class).getReadinessState())
				.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
		}
	}

	@Test
	void whenTheContextClosesThenNoWorkerStartsWhileTheApplicationDrainsItsCalls() {
		AtomicInteger launches = new AtomicInteger();
		this.contextRunner.withUserConfiguration(SlowFixtures.class, DrainConfiguration.class)
			.withPropertyValues("ceramic.pools.slow.min-workers=2", "ceramic.pools.slow.max-workers=2",
					"ceramic.pools.slow.call-timeout=2s", "ceramic.pools.slow.shutdown-grace=60s")
			.run((context) -> {
				WorkerPool pool = context.getBean(CeramicPools.class).get("slow");
				// Both min-workers first: only starts from here on would be wrong.
				await("both workers are ready").atMost(Duration.ofSeconds(60))
					.until(() -> pool.snapshot(false).workers().size() == 2);
				pool.addListener((event) -> {
					if (event.type() == PoolEvent.Type.WORKER_STARTED) {
						launches.incrementAndGet();
					}
				});
				Slow slow = context.getBean(Slow.class);
				CompletableFuture<Void> call = CompletableFuture.runAsync(() -> {
					try {
						slow.sleep(600_000);
					}
					catch (InterruptedException ex) {
						throw new IllegalStateException(ex);
					}
				});
				await("the call holds a worker").atMost(Duration.ofSeconds(60))
					.until(() -> pool.snapshot(false).busyWorkers() == 1);
				Drain drain = context.getBean(Drain.class);
				drain.pool = pool;
				drain.call = call;
				context.close();
				// The drain, like a web server's graceful shutdown, waited for the call:
				// it timed out and was not replaced.
				assertThat(drain.answered).isInstanceOf(CallTimeoutException.class);
				assertThat(drain.startingAfterTheAnswer).isZero();
				assertThat(launches).hasValue(0);
				assertThat(pool.snapshot(false).state()).isEqualTo(PoolState.STOPPED);
			});
		assertThat(launches).hasValue(0);
		assertThat(ProcessHandle.current()
			.children()
			.filter(ProcessHandle::isAlive)
			.filter((child) -> child.info()
				.arguments()
				.map((arguments) -> List.of(arguments).contains("-Dceramic.worker.pool=slow"))
				.orElse(false)))
			.isEmpty();
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

	private static final String JVM_ARGS = "-XX:TieredStopAtLevel=1,-XX:+UseSerialGC,-Xmx64m";

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ApplicationAvailabilityAutoConfiguration.class, CeramicAutoConfiguration.class })
	@Import(SlowFixtures.class)
	static class ReadinessApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class DrainConfiguration {

		@Bean
		Drain drain() {
			return new Drain();
		}

	}

	/**
	 * Stops before the pools, as a web server's graceful shutdown does, and waits for a
	 * call in flight, recording how it ended and how many workers were starting then.
	 */
	static class Drain implements SmartLifecycle {

		volatile @Nullable CompletableFuture<Void> call;

		volatile @Nullable Throwable answered;

		volatile @Nullable WorkerPool pool;

		volatile int startingAfterTheAnswer = -1;

		private volatile boolean running;

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			CompletableFuture<Void> call = this.call;
			if (call != null) {
				try {
					call.get(60, TimeUnit.SECONDS);
				}
				catch (ExecutionException ex) {
					this.answered = ex.getCause();
				}
				catch (InterruptedException | TimeoutException ex) {
					this.answered = ex;
				}
				WorkerPool pool = this.pool;
				if (pool != null) {
					this.startingAfterTheAnswer = pool.snapshot(false).startingWorkers();
				}
			}
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return CeramicPoolsLifecycle.PHASE + 2048;
		}

	}

}
