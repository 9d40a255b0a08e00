package dev.ceramic.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.ceramic.pool.WorkerPoolSettings;
import dev.ceramic.process.ResourceLimits;
import dev.ceramic.spring.fixtures.basic.BasicFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the binding and validation of {@link CeramicProperties}: on
 * {@link CeramicProperties#effective(String)} and on the settings of the pool that
 * {@link CeramicAutoConfiguration} builds. The pool {@code echo} of the fixture is the
 * one with a service; no worker ever starts, as every pool here has {@code min-workers}
 * 0.
 */
class CeramicPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CeramicAutoConfiguration.class))
		.withUserConfiguration(BasicFixtures.class);

	@TempDir
	Path temp;

	@Test
	void whenNothingIsSetThenPoolsHaveTheBuiltInDefaults() {
		this.contextRunner.withPropertyValues("ceramic.pools.echo.min-workers=0").run((context) -> {
			CeramicProperties properties = context.getBean(CeramicProperties.class);
			assertThat(properties.getMode()).isEqualTo(CeramicProperties.Mode.OUT_OF_PROCESS);
			assertThat(properties.isWaitForWorkers()).isTrue();
			PoolProperties unconfigured = properties.effective("unconfigured");
			assertThat(unconfigured.getMinWorkers()).isEqualTo(1);
			assertThat(unconfigured.getMaxWorkers()).isEqualTo(4);
			assertThat(unconfigured.getMaxWorkerMemory()).isEqualTo(DataSize.ofBytes(0));
			assertThat(unconfigured.getJvmArgs()).isEmpty();
			assertThat(unconfigured.getJavaHome()).isNull();
			assertThat(unconfigured.getWorkingDirectory()).isNull();
			WorkerPoolSettings settings = settings(context);
			assertThat(settings.sizing().minWorkers()).isZero();
			assertThat(settings.sizing().maxWorkers()).isEqualTo(4);
			assertThat(settings.queue().acquireTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(settings.queue().maxQueuedCalls()).isEqualTo(100);
			assertThat(settings.callTimeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(settings.recycling().maxCallsPerWorker()).isZero();
			assertThat(settings.sizing().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
			assertThat(settings.recycling().maxWorkerMemory()).isZero();
			assertThat(settings.startupTimeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(settings.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
			assertThat(settings.launch().jvmArguments()).isEmpty();
			assertThat(settings.launch().javaHome()).isNull();
			assertThat(settings.launch().environment()).isEmpty();
			assertThat(settings.launch().inheritEnvironment()).isTrue();
			assertThat(settings.launch().workingDirectory()).isNull();
			assertThat(settings.maxFrameSize()).isEqualTo(64 * 1024 * 1024);
			assertThat(settings.largeValueThreshold()).isEqualTo(256 * 1024);
			assertThat(settings.maxValueSize()).isEqualTo(1024 * 1024 * 1024);
			assertThat(settings.maxNestingDepth()).isEqualTo(64);
		});
	}

	@Test
	void whenAPoolSetsEveryPropertyThenItsPoolHasThoseSettings() {
		String javaHome = System.getProperty("java.home");
		this.contextRunner.withPropertyValues(every("ceramic.pools.echo", javaHome, this.temp))
			.run((context) -> assertEvery(settings(context), javaHome, this.temp));
	}

	@Test
	void whenOnlyDefaultsAreSetThenEveryPoolInheritsThem() {
		String javaHome = System.getProperty("java.home");
		this.contextRunner.withPropertyValues(every("ceramic.defaults", javaHome, this.temp)).run((context) -> {
			assertThat(context.getBean(CeramicProperties.class).getPools()).isEmpty();
			assertEvery(settings(context), javaHome, this.temp);
			assertThat(context.getBean(CeramicProperties.class).effective("any").getMaxWorkers()).isEqualTo(3);
		});
	}

	@Test
	void whenDefaultsAndAPoolSetTheSamePropertyThenThePoolsValueWins() {
		this.contextRunner
			.withPropertyValues("ceramic.defaults.min-workers=0", "ceramic.defaults.max-workers=3",
					"ceramic.defaults.call-timeout=5s", "ceramic.pools.echo.call-timeout=2s")
			.run((context) -> {
				WorkerPoolSettings settings = settings(context);
				assertThat(settings.callTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(settings.sizing().maxWorkers()).isEqualTo(3);
				assertThat(context.getBean(CeramicProperties.class).effective("other").getCallTimeout())
					.isEqualTo(Duration.ofSeconds(5));
			});
	}

	@Test
	void whenDefaultsAndAPoolSetSystemPropertiesAndEnvironmentThenTheyAreMergedKeyByKey() {
		this.contextRunner
			.withPropertyValues("ceramic.defaults.min-workers=0", "ceramic.defaults.system-properties.a=1",
					"ceramic.defaults.system-properties.b=2", "ceramic.pools.echo.system-properties.b=3",
					"ceramic.pools.echo.system-properties.c=4", "ceramic.defaults.environment.A=1",
					"ceramic.defaults.environment.B=2", "ceramic.pools.echo.environment.B=3")
			.run((context) -> {
				PoolProperties effective = context.getBean(CeramicProperties.class).effective("echo");
				assertThat(effective.getSystemProperties()).containsExactly(Map.entry("a", "1"), Map.entry("b", "3"),
						Map.entry("c", "4"));
				assertThat(effective.getEnvironment()).containsExactly(Map.entry("A", "1"), Map.entry("B", "3"));
				WorkerPoolSettings settings = settings(context);
				assertThat(settings.systemProperties()).containsEntry("a", "1")
					.containsEntry("b", "3")
					.containsEntry("c", "4");
				assertThat(settings.launch().environment()).containsOnly(Map.entry("A", "1"), Map.entry("B", "3"));
			});
	}

	@Test
	void whenDefaultsAndAPoolSetJvmArgsThenThePoolsListReplacesTheDefaults() {
		this.contextRunner
			.withPropertyValues("ceramic.defaults.min-workers=0", "ceramic.defaults.jvm-args=-Xmx64m,-XX:+UseSerialGC",
					"ceramic.pools.echo.jvm-args[0]=-Xmx96m")
			.run((context) -> {
				assertThat(settings(context).launch().jvmArguments()).containsExactly("-Xmx96m");
				assertThat(context.getBean(CeramicProperties.class).effective("other").getJvmArgs())
					.containsExactly("-Xmx64m", "-XX:+UseSerialGC");
			});
	}

	@Test
	void whenSystemPropertyAndEnvironmentKeysHaveDotsAndCapitalsThenTheyAreKeptAsWritten() {
		this.contextRunner
			.withPropertyValues("ceramic.pools.echo.min-workers=0",
					"ceramic.pools.echo.system-properties.java.awt.headless=true",
					"ceramic.pools.echo.environment.MALLOC_ARENA_MAX=2")
			.run((context) -> {
				WorkerPoolSettings settings = settings(context);
				assertThat(settings.systemProperties()).containsEntry("java.awt.headless", "true");
				assertThat(settings.launch().environment()).containsOnly(Map.entry("MALLOC_ARENA_MAX", "2"));
			});
	}

	@ParameterizedTest
	@CsvSource({ "2s, 2000", "1500ms, 1500", "1500, 1500", "PT1M, 60000", "1m, 60000", "2h, 7200000", "1d, 86400000" })
	void durationsBindFromEverySupportedFormat(String value, long millis) {
		this.contextRunner
			.withPropertyValues("ceramic.pools.echo.min-workers=0", "ceramic.pools.echo.call-timeout=" + value)
			.run((context) -> assertThat(settings(context).callTimeout()).isEqualTo(Duration.ofMillis(millis)));
	}

	@ParameterizedTest
	@CsvSource({ "128MB, 134217728", "1GB, 1073741824", "512KB, 524288", "4096, 4096", "4096B, 4096" })
	void dataSizesBindFromEverySupportedFormat(String value, long bytes) {
		this.contextRunner
			.withPropertyValues("ceramic.pools.echo.min-workers=0", "ceramic.pools.echo.max-worker-memory=" + value,
					"ceramic.pools.echo.max-frame-size=" + value)
			.run((context) -> {
				assertThat(settings(context).recycling().maxWorkerMemory()).isEqualTo(bytes);
				assertThat(settings(context).maxFrameSize()).isEqualTo(bytes);
			});
	}

	@Test
	void waitForWorkersBinds() {
		this.contextRunner.withPropertyValues("ceramic.defaults.min-workers=0", "ceramic.wait-for-workers=false")
			.run((context) -> assertThat(context.getBean(CeramicProperties.class).isWaitForWorkers()).isFalse());
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					ceramic.pools.echo.min-workers=-1          | ceramic.pools.echo.min-workers must be at least 0, but was -1
					ceramic.pools.echo.max-workers=0           | ceramic.pools.echo.max-workers must be at least 1, but was 0
					ceramic.pools.echo.spare-workers=-1        | ceramic.pools.echo.spare-workers must be at least 0, but was -1
					ceramic.pools.echo.acquire-timeout=-1s     | ceramic.pools.echo.acquire-timeout must not be negative, but was -1s
					ceramic.pools.echo.max-queued-calls=-1     | ceramic.pools.echo.max-queued-calls must be at least 0, but was -1
					ceramic.pools.echo.call-timeout=0s         | ceramic.pools.echo.call-timeout must be positive, but was 0s
					ceramic.pools.echo.call-timeout=-2s        | ceramic.pools.echo.call-timeout must be positive, but was -2s
					ceramic.pools.echo.max-calls-per-worker=-1 | ceramic.pools.echo.max-calls-per-worker must not be negative (0 means no limit), but was -1
					ceramic.pools.echo.idle-timeout=-5m        | ceramic.pools.echo.idle-timeout must be positive, but was -5m
					ceramic.pools.echo.max-worker-memory=-1MB  | ceramic.pools.echo.max-worker-memory must not be negative (0 means no limit), but was -1048576B
					ceramic.pools.echo.startup-timeout=0ms     | ceramic.pools.echo.startup-timeout must be positive, but was 0s
					ceramic.pools.echo.shutdown-grace=-1s      | ceramic.pools.echo.shutdown-grace must not be negative, but was -1s
					ceramic.pools.echo.max-frame-size=512B     | ceramic.pools.echo.max-frame-size must be between 1KB and 2GB, but was 512B
					ceramic.pools.echo.max-frame-size=4GB      | ceramic.pools.echo.max-frame-size must be between 1KB and 2GB, but was 4294967296B
					ceramic.pools.echo.max-nesting-depth=0     | ceramic.pools.echo.max-nesting-depth must be at least 1, but was 0
					ceramic.pools.echo.java-home=/no/such/jdk  | ceramic.pools.echo.java-home has no executable bin/java; point it at a JDK or JRE installation, but was /no/such/jdk
					ceramic.defaults.max-workers=0             | ceramic.defaults.max-workers must be at least 1, but was 0
					ceramic.pools.unused.call-timeout=-1s      | ceramic.pools.unused.call-timeout must be positive, but was -1s
					""")
	void whenASettingIsInvalidThenStartUpFailsWithAMessageThatNamesItsKey(String property, String message) {
		this.contextRunner.withPropertyValues("ceramic.defaults.min-workers=0", property)
			.run(failsWith((failure) -> assertThat(failure).hasMessageContaining(message)));
	}

	@Test
	void limitsBindToCoreSettingsAndAPoolsLimitsOverrideTheDefaultsKeyByKey() {
		this.contextRunner
			.withPropertyValues("ceramic.defaults.min-workers=0", "ceramic.defaults.limits.data-size=512MB",
					"ceramic.defaults.limits.cpu-time=10s", "ceramic.defaults.limits.core-dumps=false",
					"ceramic.pools.echo.limits.cpu-time=1m", "ceramic.pools.echo.limits.open-files=256")
			.run((context) -> {
				WorkerPoolSettings.Limits limits = settings(context).limits();
				assertThat(limits)
					.isEqualTo(new WorkerPoolSettings.Limits(512L * 1024 * 1024, Duration.ofMinutes(1), 256, false));
				assertThat(settings(context).launch().limits().cpuSeconds()).hasValue(60);
				assertThat(context.getBean(CeramicProperties.class).effective("other").getLimits().getCpuTime())
					.isEqualTo(Duration.ofSeconds(10));
			});
	}

	@Test
	void withoutLimitsAPoolHasNoneButCoreFilesAreOff() {
		this.contextRunner.withPropertyValues("ceramic.defaults.min-workers=0").run((context) -> {
			assertThat(settings(context).limits()).isEqualTo(new WorkerPoolSettings.Limits(0, null, 0, false));
			assertThat(settings(context).launch().limits()).isEqualTo(ResourceLimits.none().withCoreDumps(false));
		});
	}

	@Test
	void coreDumpsCanBeTurnedOn() {
		this.contextRunner
			.withPropertyValues("ceramic.defaults.min-workers=0", "ceramic.pools.echo.limits.core-dumps=true")
			.run((context) -> assertThat(settings(context).launch().limits().isEmpty()).isTrue());
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					ceramic.pools.echo.limits.data-size=0B      | ceramic.pools.echo.limits.data-size must be positive (leave it unset for no limit), but was 0B
					ceramic.pools.echo.limits.data-size=-1MB    | ceramic.pools.echo.limits.data-size must be positive (leave it unset for no limit), but was -1048576B
					ceramic.pools.echo.limits.cpu-time=0s       | ceramic.pools.echo.limits.cpu-time must be positive, but was 0s
					ceramic.defaults.limits.cpu-time=-1s        | ceramic.defaults.limits.cpu-time must be positive, but was -1s
					ceramic.pools.echo.limits.open-files=0      | ceramic.pools.echo.limits.open-files must be positive (leave it unset for no limit), but was 0
					ceramic.pools.echo.limits.open-files=-5     | ceramic.pools.echo.limits.open-files must be positive (leave it unset for no limit), but was -5
					""")
	void whenALimitIsNotPositiveThenStartUpFailsWithAMessageThatNamesItsKey(String property, String message) {
		this.contextRunner.withPropertyValues("ceramic.defaults.min-workers=0", property)
			.run(failsWith((failure) -> assertThat(failure).hasMessageContaining(message)));
	}

	@Test
	void whenMinWorkersExceedsMaxWorkersThenStartUpFailsNamingBothKeys() {
		this.contextRunner.withPropertyValues("ceramic.pools.x.min-workers=5", "ceramic.pools.x.max-workers=2")
			.run(failsWith((failure) -> assertThat(failure).hasMessageContaining(
					"ceramic.pools.x.min-workers must not be greater than ceramic.pools.x.max-workers (2), but was 5")));
	}

	@Test
	void whenWorkingDirectoryIsNotADirectoryThenStartUpFailsNamingTheKey() throws IOException {
		Path file = Files.createFile(this.temp.resolve("file"));
		this.contextRunner
			.withPropertyValues("ceramic.defaults.min-workers=0", "ceramic.pools.echo.working-directory=" + file)
			.run(failsWith((failure) -> assertThat(failure)
				.hasMessageContaining("ceramic.pools.echo.working-directory is not a directory, but was " + file)));
	}

	@Test
	void whenSeveralSettingsAreInvalidThenStartUpFailsNamingEveryKey() {
		this.contextRunner
			.withPropertyValues("ceramic.defaults.min-workers=0", "ceramic.defaults.call-timeout=0s",
					"ceramic.pools.echo.max-workers=0", "ceramic.pools.echo.java-home=/no/such/jdk")
			.run(failsWith((failure) -> assertThat(failure).hasMessageContaining("ceramic.defaults.call-timeout")
				.hasMessageContaining("ceramic.pools.echo.call-timeout")
				.hasMessageContaining("ceramic.pools.echo.max-workers")
				.hasMessageContaining("ceramic.pools.echo.java-home")));
	}

	private static ContextConsumer<AssertableApplicationContext> failsWith(Consumer<Throwable> validationFailure) {
		return (context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(BindValidationException.class);
			Throwable root = context.getStartupFailure();
			while (root.getCause() != null) {
				root = root.getCause();
			}
			validationFailure.accept(root);
		};
	}

	private static WorkerPoolSettings settings(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return context.getBean(CeramicPools.class).get("echo").settings();
	}

	private static String[] every(String prefix, String javaHome, Path workingDirectory) {
		return List
			.of("min-workers=0", "max-workers=3", "spare-workers=2", "acquire-timeout=2s", "max-queued-calls=7",
					"call-timeout=1500ms", "max-calls-per-worker=1000", "idle-timeout=2m", "max-worker-memory=128MB",
					"startup-timeout=PT45S", "shutdown-grace=3s", "jvm-args=-Xmx96m,-Xss512k", "java-home=" + javaHome,
					"system-properties.colour=blue", "environment.TZ=UTC", "inherit-environment=false",
					"working-directory=" + workingDirectory, "max-frame-size=1MB", "large-value-threshold=64KB",
					"max-value-size=32MB", "max-nesting-depth=16")
			.stream()
			.map((property) -> prefix + "." + property)
			.toArray(String[]::new);
	}

	private static void assertEvery(WorkerPoolSettings settings, String javaHome, Path workingDirectory) {
		assertThat(settings.sizing().minWorkers()).isZero();
		assertThat(settings.sizing().maxWorkers()).isEqualTo(3);
		assertThat(settings.sizing().spareWorkers()).isEqualTo(2);
		assertThat(settings.queue().acquireTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(settings.queue().maxQueuedCalls()).isEqualTo(7);
		assertThat(settings.callTimeout()).isEqualTo(Duration.ofMillis(1500));
		assertThat(settings.recycling().maxCallsPerWorker()).isEqualTo(1000);
		assertThat(settings.sizing().idleTimeout()).isEqualTo(Duration.ofMinutes(2));
		assertThat(settings.recycling().maxWorkerMemory()).isEqualTo(128L * 1024 * 1024);
		assertThat(settings.startupTimeout()).isEqualTo(Duration.ofSeconds(45));
		assertThat(settings.shutdownGrace()).isEqualTo(Duration.ofSeconds(3));
		assertThat(settings.launch().jvmArguments()).containsExactly("-Xmx96m", "-Xss512k");
		assertThat(settings.launch().javaHome()).isEqualTo(Path.of(javaHome));
		assertThat(settings.systemProperties()).containsEntry("colour", "blue");
		assertThat(settings.launch().environment()).containsOnly(Map.entry("TZ", "UTC"));
		assertThat(settings.launch().inheritEnvironment()).isFalse();
		assertThat(settings.launch().workingDirectory()).isEqualTo(workingDirectory);
		assertThat(settings.maxFrameSize()).isEqualTo(1024 * 1024);
		assertThat(settings.largeValueThreshold()).isEqualTo(64 * 1024);
		assertThat(settings.maxValueSize()).isEqualTo(32 * 1024 * 1024);
		assertThat(settings.maxNestingDepth()).isEqualTo(16);
	}

}
