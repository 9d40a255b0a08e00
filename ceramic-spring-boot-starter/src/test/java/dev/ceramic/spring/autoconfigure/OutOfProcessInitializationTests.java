package dev.ceramic.spring.autoconfigure;

import java.lang.reflect.Proxy;

import dev.ceramic.spring.fixtures.inprocess.InProcessFixtures;
import dev.ceramic.spring.fixtures.inprocess.Traced;
import dev.ceramic.spring.fixtures.scan.Scanned;
import dev.ceramic.spring.fixtures.scan.ScannedService;
import dev.ceramic.spring.fixtures.scanning.ScanningConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which JVM initializes an {@code @OutOfProcess} class: only its workers, never the
 * application, unless {@code ceramic.mode=in-process}. Each fixture's static initializer
 * records the pid of the JVM that runs it in a system property.
 */
class OutOfProcessInitializationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CeramicAutoConfiguration.class))
		.withPropertyValues("ceramic.defaults.startup-timeout=90s",
				"ceramic.defaults.jvm-args=-XX:TieredStopAtLevel=1,-XX:+UseSerialGC,-Xmx64m");

	@Test
	void whenAClassIsFoundByOutOfProcessScanThenOnlyItsWorkersInitializeIt() {
		this.contextRunner.withUserConfiguration(ScanningConfiguration.class)
			.withPropertyValues("ceramic.pools.scanned.min-workers=1", "ceramic.pools.scanned.max-workers=1")
			.run((context) -> {
				Scanned scanned = context.getBean(Scanned.class);
				assertThat(Proxy.isProxyClass(scanned.getClass())).isTrue();
				long worker = scanned.pid();
				assertThat(worker).isNotEqualTo(ProcessHandle.current().pid());
				assertThat(scanned.initializedIn()).isEqualTo(Long.toString(worker));
				assertThat(System.getProperty(ScannedService.INITIALIZED_PROPERTY)).isNull();
			});
	}

	@Test
	void whenModeIsInProcessThenTheApplicationInitializesAndRunsTheClass() {
		String property = "ceramic.test.traced-service.initialized-in";
		assertThat(System.getProperty(property)).as("not initialized before the context starts").isNull();
		this.contextRunner.withUserConfiguration(InProcessFixtures.class)
			.withPropertyValues("ceramic.mode=in-process")
			.run((context) -> {
				assertThat(System.getProperty(property)).isEqualTo(Long.toString(ProcessHandle.current().pid()));
				Traced traced = context.getBean(Traced.class);
				assertThat(Proxy.isProxyClass(traced.getClass())).isFalse();
				assertThat(traced.pid()).isEqualTo(ProcessHandle.current().pid());
			});
	}

}
