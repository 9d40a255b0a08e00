package dev.ceramic.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import dev.ceramic.channel.ChanOptions;
import dev.ceramic.process.ProcOptions;
import dev.ceramic.test.pool.Calculator;
import dev.ceramic.test.pool.CalculatorService;
import dev.ceramic.test.pool.TestService;
import dev.ceramic.test.pool.TestServiceImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every invalid setting fails in {@link WorkerPoolSettings.Builder#build()} with a
 * message that names it; the limits themselves are valid; a pool needs services, each an
 * interface, each once.
 */
class PoolSettingsTests {

	static Stream<Arguments> invalidSettings() {
		return Stream.of(invalid((b) -> b.minWorkers(-1), "min-workers must not be negative, but was -1"),
				invalid((b) -> b.maxWorkers(0), "max-workers must be at least 1, but was 0"),
				invalid((b) -> b.spareWorkers(-1), "spare-workers must not be negative (0 keeps no spare), but was -1"),
				invalid((b) -> b.minWorkers(3).maxWorkers(2),
						"min-workers must not be greater than max-workers (2), but was 3"),
				invalid((b) -> b.acquireTimeout(Duration.ofMillis(-1)),
						"acquire-timeout must not be negative, but was -1ms"),
				invalid((b) -> b.maxQueuedCalls(-1), "max-queued-calls must not be negative, but was -1"),
				invalid((b) -> b.callTimeout(Duration.ZERO), "call-timeout must be positive, but was 0s"),
				invalid((b) -> b.callTimeout(Duration.ofSeconds(-1)), "call-timeout must be positive, but was -1s"),
				invalid((b) -> b.maxCallsPerWorker(-1),
						"max-calls-per-worker must not be negative (0 means no limit), but was -1"),
				invalid((b) -> b.idleTimeout(Duration.ZERO), "idle-timeout must be positive, but was 0s"),
				invalid((b) -> b.maxWorkerMemory(-1),
						"max-worker-memory must not be negative (0 means no limit), but was -1"),
				invalid((b) -> b.startupTimeout(Duration.ZERO), "startup-timeout must be positive, but was 0s"),
				invalid((b) -> b.shutdownGrace(Duration.ofMillis(-1)),
						"shutdown-grace must not be negative, but was -1ms"),
				invalid((b) -> b.maxFrameSize(1023), "max-frame-size must be at least 1024 bytes, but was 1023"),
				invalid((b) -> b.maxNestingDepth(0), "max-nesting-depth must be at least 1, but was 0"),
				invalid((b) -> b.restartBackoff(Duration.ZERO, Duration.ofSeconds(1)),
						"restart-backoff must be positive, but was 0s"),
				invalid((b) -> b.restartBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)),
						"max-restart-backoff must not be less than restart-backoff, but was 1s"),
				invalid((b) -> b.crashLoopThreshold(0), "crash-loop-threshold must be at least 1, but was 0"));
	}

	private static Arguments invalid(UnaryOperator<WorkerPoolSettings.Builder> change, String message) {
		return arguments(change, message);
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("invalidSettings")
	void anInvalidSettingFailsNamingIt(UnaryOperator<WorkerPoolSettings.Builder> change, String message) {
		WorkerPoolSettings.Builder builder = change.apply(WorkerPoolSettings.builder("checked"));
		assertThatIllegalArgumentException().isThrownBy(builder::build).withMessage("Pool 'checked': " + message);
	}

	@Test
	void aBlankNameIsInvalid() {
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerPoolSettings.builder(" ").build())
			.withMessageContaining("name must not be blank");
	}

	@Test
	void theLimitsOfEachSettingAreValid() {
		WorkerPoolSettings settings = WorkerPoolSettings.builder("limits")
			.minWorkers(0)
			.maxWorkers(1)
			.acquireTimeout(Duration.ZERO)
			.maxQueuedCalls(0)
			.callTimeout(Duration.ofMillis(1))
			.maxCallsPerWorker(0)
			.idleTimeout(Duration.ofMillis(1))
			.maxWorkerMemory(0)
			.startupTimeout(Duration.ofMillis(1))
			.shutdownGrace(Duration.ZERO)
			.maxFrameSize(1024)
			.maxNestingDepth(1)
			.restartBackoff(Duration.ofMillis(1), Duration.ofMillis(1))
			.crashLoopThreshold(1)
			.build();
		assertThat(settings.sizing().minWorkers()).isZero();
		assertThat(settings.queue().acquireTimeout()).isZero();
		assertThat(settings.maxFrameSize()).isEqualTo(1024);
		assertThat(settings.restarts().maxBackoff()).isEqualTo(settings.restarts().backoff());
		assertThat(WorkerPoolSettings.builder("equal").minWorkers(3).maxWorkers(3).build().sizing().minWorkers())
			.isEqualTo(3);
	}

	@Test
	void theDefaultsAreTheDocumentedOnes() {
		WorkerPoolSettings settings = WorkerPoolSettings.builder("defaults").build();
		assertThat(settings.name()).isEqualTo("defaults");
		assertThat(settings.sizing().minWorkers()).isEqualTo(1);
		assertThat(settings.sizing().maxWorkers()).isGreaterThanOrEqualTo(2);
		assertThat(settings.queue().acquireTimeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(settings.queue().maxQueuedCalls()).isEqualTo(100);
		assertThat(settings.callTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(settings.recycling().maxCallsPerWorker()).isZero();
		assertThat(settings.sizing().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
		assertThat(settings.recycling().maxWorkerMemory()).isZero();
		assertThat(settings.startupTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(settings.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
		assertThat(settings.maxFrameSize()).isEqualTo(ChanOptions.DEFAULT_MAX_FRAME_SIZE);
		assertThat(settings.maxNestingDepth()).isEqualTo(64);
		assertThat(settings.serviceFactory()).isEqualTo(ReflectiveServiceFactory.class);
		assertThat(settings.launch().inheritEnvironment()).isTrue();
		assertThat(settings.restarts().crashLoopThreshold()).isEqualTo(5);
	}

	@Test
	void everyInvalidSettingIsNamedAtOnce() {
		WorkerPoolSettings.Builder builder = WorkerPoolSettings.builder("several")
			.maxWorkers(0)
			.callTimeout(Duration.ZERO)
			.maxFrameSize(4L * 1024 * 1024 * 1024);
		assertThatExceptionOfType(InvalidSettingsException.class).isThrownBy(builder::build).satisfies((ex) -> {
			assertThat(ex.pool()).isEqualTo("several");
			assertThat(ex.violations()).extracting(InvalidSettingsException.Violation::setting)
				.containsExactly("max-workers", "call-timeout", "max-frame-size");
			assertThat(ex).hasMessage("Pool 'several': max-workers must be at least 1, but was 0; "
					+ "call-timeout must be positive, but was 0s; "
					+ "max-frame-size must be at most 2147483647 bytes, but was 4294967296");
		});
	}

	@Test
	void aRuleThatMentionsAnotherSettingNamesItAsTheCallerAsks() {
		assertThatExceptionOfType(InvalidSettingsException.class)
			.isThrownBy(() -> WorkerPoolSettings.builder("names").minWorkers(3).maxWorkers(2).build())
			.satisfies((ex) -> {
				InvalidSettingsException.Violation violation = ex.violations().get(0);
				assertThat(violation.setting()).isEqualTo("min-workers");
				assertThat(violation.value()).isEqualTo(3);
				assertThat(violation.rule()).isEqualTo("must not be greater than max-workers (2)");
				assertThat(violation.rule((setting) -> "ceramic.pools.names." + setting))
					.isEqualTo("must not be greater than ceramic.pools.names.max-workers (2)");
			});
	}

	@Test
	void settingsAreGroupedAndTheLaunchGroupCarriesThePoolsTimeouts(@TempDir Path directory) {
		WorkerPoolSettings settings = WorkerPoolSettings.builder("grouped")
			.minWorkers(2)
			.maxWorkers(3)
			.spareWorkers(2)
			.idleTimeout(Duration.ofMinutes(1))
			.acquireTimeout(Duration.ofSeconds(1))
			.maxQueuedCalls(7)
			.maxCallsPerWorker(1000)
			.maxWorkerMemory(1024)
			.restartBackoff(Duration.ofMillis(5), Duration.ofSeconds(1))
			.crashLoopThreshold(2)
			.startupTimeout(Duration.ofSeconds(4))
			.shutdownGrace(Duration.ofSeconds(2))
			.jvmArguments(List.of("-Xmx64m"))
			.systemProperties(Map.of("colour", "blue"))
			.environment(Map.of("TZ", "UTC"))
			.inheritEnvironment(false)
			.workingDirectory(directory)
			.build();
		assertThat(settings.sizing()).isEqualTo(new WorkerPoolSettings.Sizing(2, 3, Duration.ofMinutes(1), 2));
		assertThat(settings.queue()).isEqualTo(new WorkerPoolSettings.Queue(Duration.ofSeconds(1), 7));
		assertThat(settings.recycling()).isEqualTo(new WorkerPoolSettings.Recycling(1000, 1024));
		assertThat(settings.restarts())
			.isEqualTo(new WorkerPoolSettings.Restarts(Duration.ofMillis(5), Duration.ofSeconds(1), 2));
		ProcOptions launch = settings.launch();
		assertThat(launch.name()).isEqualTo("grouped");
		assertThat(launch.startupTimeout()).isEqualTo(Duration.ofSeconds(4));
		assertThat(launch.closeGrace()).isEqualTo(Duration.ofSeconds(2));
		assertThat(launch.jvmArguments()).containsExactly("-Xmx64m");
		// System properties travel over the channel, so they are no part of the launch.
		assertThat(settings.systemProperties()).containsOnly(Map.entry("colour", "blue"));
		assertThat(launch.systemProperties()).isEmpty();
		assertThat(launch.environment()).containsOnly(Map.entry("TZ", "UTC"));
		assertThat(launch.inheritEnvironment()).isFalse();
		assertThat(launch.workingDirectory()).isEqualTo(directory);
		assertThat(launch.javaExecutable()).isEqualTo(ProcOptions.currentJava());
	}

	@Test
	void launchOptionsGivenWholeReplaceThoseGivenOneByOne() {
		ProcOptions options = ProcOptions.builder().jvmArguments("-Xmx32m").name("ignored").build();
		WorkerPoolSettings settings = WorkerPoolSettings.builder("whole")
			.jvmArguments(List.of("-Xmx64m"))
			.launch(options)
			.build();
		assertThat(settings.launch().jvmArguments()).containsExactly("-Xmx32m");
		assertThat(settings.launch().name()).isEqualTo("whole");
	}

	@Test
	void aPoolNeedsAtLeastOneService() {
		WorkerPool.Builder builder = WorkerPool.builder(WorkerPoolSettings.builder("empty").build());
		assertThatIllegalStateException().isThrownBy(builder::build).withMessage("Pool 'empty' has no services");
	}

	@Test
	void aServiceMustBeAnInterface() {
		WorkerPool.Builder builder = WorkerPool.builder(WorkerPoolSettings.builder("classes").build());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> builder.service(TestServiceImpl.class, TestServiceImpl.class))
			.withMessageContaining(TestServiceImpl.class.getName() + " is not an interface");
	}

	@Test
	void aServiceCanBeAddedOnlyOnce() {
		WorkerPool.Builder builder = WorkerPool.builder(WorkerPoolSettings.builder("twice").build())
			.service(TestService.class, TestServiceImpl.class)
			.service(Calculator.class, CalculatorService.class);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.service(TestService.class, TestServiceImpl.class))
			.withMessage("Pool 'twice' already has a service for " + TestService.class.getName());
	}

}
