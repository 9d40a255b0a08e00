package dev.ceramic.pool;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.ceramic.process.LaunchMode;
import dev.ceramic.test.pool.FailingFactory;
import dev.ceramic.test.pool.Impostor;
import dev.ceramic.test.pool.RuntimeCompiler;
import dev.ceramic.test.pool.TestPools;
import dev.ceramic.test.pool.TestService;
import dev.ceramic.test.pool.TestServiceImpl;
import dev.ceramic.test.pool.Versioned;
import dev.ceramic.test.pool.VersionedImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.settings;
import static dev.ceramic.test.pool.TestPools.workerProcesses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A worker that cannot make its services, or greets the application wrongly, fails to
 * start with a {@link WorkerStartException} that says what went wrong, and leaves no
 * process behind. Each pool here fails at its first start-up failure, so that the failure
 * reaches a caller as the cause of a {@link CallRejectedException}.
 */
@Timeout(120)
class PoolHandshakeTests {

	@TempDir
	Path temp;

	@Test
	void aServiceFactoryThatFailsIsReported() {
		WorkerPoolSettings settings = failFast("handshake-factory").serviceFactory(FailingFactory.class).build();
		WorkerPool pool = WorkerPool.builder(settings).service(TestService.class, TestServiceImpl.class).build();
		assertStartFails(pool, TestService.class, (ex) -> {
			assertThat(ex.workerPid()).isPresent();
			assertThat(ex.getMessage())
				.startsWith("A worker of pool 'handshake-factory' (pid " + ex.workerPid().getAsLong() + ")")
				.contains("could not make its services: java.lang.IllegalStateException: " + FailingFactory.MESSAGE);
		});
	}

	@Test
	void anImplementationThatDoesNotImplementItsInterfaceIsReported() {
		WorkerPool pool = WorkerPool.builder(failFast("handshake-mismatch").build())
			.service(TestService.class, "dev.ceramic.test.pool.CalculatorService")
			.build();
		assertStartFails(pool, TestService.class, (ex) -> assertThat(ex.getMessage())
			.contains("dev.ceramic.test.pool.CalculatorService does not implement " + TestService.class.getName()));
	}

	@Test
	void anImplementationMissingFromTheWorkersClasspathIsReported() {
		WorkerPool pool = WorkerPool.builder(failFast("handshake-missing").build())
			.service(TestService.class, "dev.ceramic.test.NoSuchBehaviour")
			.build();
		assertStartFails(pool, TestService.class, (ex) -> assertThat(ex.getMessage())
			.contains("java.lang.ClassNotFoundException: dev.ceramic.test.NoSuchBehaviour"));
	}

	@Test
	void aWorkerSpeakingAnotherProtocolVersionIsRefused() {
		WorkerPool pool = impostorPool("handshake-version", "version");
		assertStartFails(pool, TestService.class,
				(ex) -> assertThat(ex.getMessage())
					.contains("greeted the application wrongly: protocol version " + Impostor.FOREIGN_VERSION
							+ " where this application speaks " + Protocol.VERSION)
					.contains("the worker runs another version of ceramic"));
	}

	@Test
	void aWorkerWithOtherVersionsOfTheServiceInterfacesIsRefused() {
		// The worker's classpath holds another Versioned first, whose method
		// takes a long where the application's takes an int.
		Path classes = RuntimeCompiler.compile(this.temp, Versioned.class.getName(),
				Versioned.sourceWith("String describe(long level);"));
		WorkerPoolSettings settings = failFast("handshake-fingerprint")
			.launchMode(LaunchMode.classpath(classes + File.pathSeparator + System.getProperty("java.class.path")))
			.build();
		WorkerPool pool = WorkerPool.builder(settings).service(Versioned.class, VersionedImpl.class).build();
		assertStartFails(pool, Versioned.class,
				(ex) -> assertThat(ex.getMessage())
					.contains("greeted the application wrongly: service interfaces with fingerprint")
					.contains("the worker's classpath holds other versions of the service interfaces"));
	}

	@Test
	void aWorkerWhoseFirstMessageIsNoGreetingIsRefused() {
		WorkerPool pool = impostorPool("handshake-result", "result");
		assertStartFails(pool, TestService.class, (ex) -> assertThat(ex.getMessage())
			.contains("greeted the application wrongly: a RESULT message instead of HELLO"));
	}

	@Test
	void aWorkerWithAMalformedGreetingIsRefused() {
		WorkerPool pool = impostorPool("handshake-malformed", "malformed");
		assertStartFails(pool, TestService.class,
				(ex) -> assertThat(ex.getMessage()).contains("A worker of pool 'handshake-malformed' (pid ")
					.contains("greeted the application wrongly: a malformed HELLO message"));
	}

	@Test
	void aWorkerThatNeverGreetsIsKilledAfterStartupTimeout() {
		WorkerPool pool = impostorPool("handshake-silent", "silent", Duration.ofSeconds(5));
		assertStartFails(pool, TestService.class,
				(ex) -> assertThat(ex.getMessage()).contains("timeout of 5s and was killed"));
	}

	private static WorkerPoolSettings.Builder failFast(String name) {
		return settings(name).maxWorkers(1).crashLoopThreshold(1);
	}

	private static WorkerPool impostorPool(String name, String mode) {
		return impostorPool(name, mode, TestPools.PATIENCE);
	}

	/**
	 * A pool whose workers run {@link Impostor} instead of the real entry point.
	 */
	private static WorkerPool impostorPool(String name, String mode, Duration startupTimeout) {
		WorkerPoolSettings settings = failFast(name).startupTimeout(startupTimeout)
			.launchMode(new ImpostorLaunchMode())
			.jvmArguments(List.of("-D" + Impostor.MODE + "=" + mode))
			.build();
		return WorkerPool.builder(settings).service(TestService.class, TestServiceImpl.class).build();
	}

	/**
	 * Start the pool, expect it to fail, and check the start-up failure that a call gets
	 * as its cause; then check that no worker process is left.
	 */
	private static void assertStartFails(WorkerPool pool, Class<?> service, Consumer<WorkerStartException> failure) {
		try (pool) {
			pool.start();
			assertThat(pool.awaitReady(TestPools.PATIENCE)).isFalse();
			assertThat(pool.snapshot(false).state()).isEqualTo(PoolState.FAILED);
			// Killed, though not always waited for: a worker that did not become ready
			// within startup-timeout is killed by Proc, which does not wait.
			await("no worker process is left").until(() -> workerProcesses(pool.name()).isEmpty());
			Object proxy = pool.proxy(service);
			assertThatExceptionOfType(CallRejectedException.class).isThrownBy(() -> invokeFirstMethod(service, proxy))
				.satisfies((ex) -> {
					assertThat(ex.reason()).isEqualTo(CallRejectedException.Reason.POOL_FAILED);
					assertThat(ex.getCause()).isInstanceOfSatisfying(WorkerStartException.class, (cause) -> {
						assertThat(cause.poolName()).isEqualTo(pool.name());
						failure.accept(cause);
						assertThat(ex.getMessage()).contains(cause.getMessage());
					});
				});
		}
	}

	private static void invokeFirstMethod(Class<?> service, Object proxy) throws Throwable {
		if (service == TestService.class) {
			((TestService) proxy).pid();
		}
		else {
			((Versioned) proxy).describe(1);
		}
	}

	/**
	 * Launches workers on the application's classpath, but running {@link Impostor} in
	 * place of {@link WorkerMain}.
	 */
	static final class ImpostorLaunchMode implements LaunchMode {

		@Override
		public List<String> command(String javaExecutable, List<String> jvmArguments, String mainClass,
				List<String> arguments) {
			List<String> replaced = new ArrayList<>(arguments);
			// ChildMain's arguments: parent pid, frame size, descriptors, entry class.
			assertThat(replaced.get(3)).isEqualTo(WorkerMain.class.getName());
			replaced.set(3, Impostor.class.getName());
			return LaunchMode.currentClasspath().command(javaExecutable, jvmArguments, mainClass, replaced);
		}

		@Override
		public String describe() {
			return "impostor";
		}

	}

}
