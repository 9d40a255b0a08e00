package dev.ceramic.spring.autoconfigure;

import dev.ceramic.spring.fixtures.basic.BasicFixtures;
import dev.ceramic.spring.fixtures.basic.EchoService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PoolConfigurationCheck}: keys under {@code ceramic.pools.<name>} and
 * {@code ceramic.defaults} that bind to nothing fail start-up with the closest valid key,
 * and pool names that services and configuration spell differently are reported with the
 * closest name.
 */
@ExtendWith(OutputCaptureExtension.class)
class PoolConfigurationCheckTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CeramicAutoConfiguration.class))
		.withUserConfiguration(BasicFixtures.class)
		.withPropertyValues("ceramic.defaults.min-workers=0");

	@Test
	void aMisspeltPoolKeyFailsStartupWithTheClosestValidKey() {
		FailureAnalysis analysis = analyzeStartupFailure("ceramic.pools.echo.max-worker=3");
		assertThat(analysis.getDescription())
			.isEqualTo("ceramic's configuration has 1 key(s) that no pool would read:\n"
					+ "    ceramic.pools.echo.max-worker (\"ceramic.pools.echo.max-worker\" from property source "
					+ "\"test\"): did you mean ceramic.pools.echo.max-workers?");
		assertThat(analysis.getAction()).startsWith("Correct or remove each key listed.")
			.contains("max-workers, ")
			.contains("limits.data-size");
	}

	@Test
	void keysOfGroupsAndOfDefaultsAreCheckedToo() {
		FailureAnalysis analysis = analyzeStartupFailure("ceramic.defaults.limits.dta-size=1GB",
				"ceramic.defaults.data-size=1GB", "ceramic.pools.echo.max-workers.extra=1",
				"ceramic.pools.echo.colour=blue");
		assertThat(analysis.getDescription()).startsWith("ceramic's configuration has 4 key(s)")
			.contains("ceramic.defaults.limits.dta-size (")
			.contains("did you mean ceramic.defaults.limits.data-size?")
			.contains("ceramic.defaults.data-size (")
			.contains("ceramic.pools.echo.max-workers.extra (")
			.contains("ceramic.pools.echo.colour (\"ceramic.pools.echo.colour\" from property source \"test\"): "
					+ "it is not a pool setting");
	}

	@Test
	void everySpellingTheBinderAcceptsIsValid() {
		this.contextRunner
			.withPropertyValues("ceramic.pools.echo.maxWorkers=3", "ceramic.pools.echo.idle_timeout=1m",
					"ceramic.pools.echo.Call-Timeout=20s", "ceramic.pools.echo.jvm-args[0]=-Xmx64m",
					"ceramic.pools.echo.environment.SOME_VARIABLE=x", "ceramic.pools.echo.system-properties.a.b=c",
					"ceramic.pools.echo.limits.openFiles=512", "ceramic.defaults.limits.core-dumps=false",
					"ceramic.pools[echo].max-queued-calls=7")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PoolProperties echo = context.getBean(CeramicProperties.class).getPools().get("echo");
				assertThat(echo.getMaxWorkers()).isEqualTo(3);
				assertThat(echo.getLimits().getOpenFiles()).isEqualTo(512);
				assertThat(echo.getMaxQueuedCalls()).isEqualTo(7);
			});
	}

	@Test
	void inProcessModeChecksKeysToo() {
		FailureAnalysis analysis = analyzeStartupFailure("ceramic.mode=in-process", "ceramic.pools.echo.maxWorker=3");
		assertThat(analysis.getDescription()).contains("did you mean ceramic.pools.echo.max-workers?");
	}

	@Test
	void aConfiguredPoolThatNoServiceUsesButThatIsCloseToAnUnconfiguredOneFailsStartup() {
		FailureAnalysis analysis = analyzeStartupFailure("ceramic.pools.ecko.max-workers=3");
		assertThat(analysis.getDescription())
			.isEqualTo("ceramic's configuration has 1 key(s) that no pool would read:\n"
					+ "    ceramic.pools.ecko: no @OutOfProcess service uses pool 'ecko'; did you mean ceramic.pools.echo "
					+ "(pool 'echo' of " + EchoService.class.getName() + ")?");
	}

	@Test
	void aConfiguredPoolFarFromEveryUsedOneIsAWarning(CapturedOutput output) {
		this.contextRunner.withPropertyValues("ceramic.pools.reports.max-workers=3").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains(
					"ceramic.pools.reports is configured, but no @OutOfProcess service uses pool 'reports'; pools in use: [echo]")
				.contains("WARN")
				.contains("Pool 'echo' of " + EchoService.class.getName()
						+ " has no ceramic.pools.echo.* settings and runs on ceramic.defaults; configured but unused: "
						+ "[reports]");
		});
	}

	@Test
	void aUsedPoolWithoutSettingsRunsOnTheDefaultsWithoutAWarning(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("Pool 'echo' has no ceramic.pools.echo.* settings and runs on ceramic.defaults")
				.doesNotContain("WARN");
		});
	}

	private FailureAnalysis analyzeStartupFailure(String... properties) {
		FailureAnalysis[] analysis = new FailureAnalysis[1];
		this.contextRunner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			analysis[0] = new OutOfProcessFailureAnalyzer().analyze(context.getStartupFailure());
		});
		assertThat(analysis[0]).as("the analysis of the start-up failure").isNotNull();
		return analysis[0];
	}

}
