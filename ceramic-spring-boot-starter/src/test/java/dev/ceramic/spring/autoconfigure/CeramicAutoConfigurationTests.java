package dev.ceramic.spring.autoconfigure;

import java.util.List;

import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Map;

import dev.ceramic.spring.fixtures.basic.BasicFixtures;
import dev.ceramic.spring.fixtures.basic.Echo;
import dev.ceramic.spring.fixtures.basic.EchoConfiguration;
import dev.ceramic.spring.fixtures.basic.EchoProperties;
import dev.ceramic.spring.fixtures.basic.EchoService;
import dev.ceramic.spring.fixtures.meta.MetaFixtures;
import dev.ceramic.spring.fixtures.multi.Lower;
import dev.ceramic.spring.fixtures.twins.TwinsFixtures;
import dev.ceramic.spring.fixtures.twins.a.TwinA;
import dev.ceramic.spring.fixtures.twins.b.TwinB;
import dev.ceramic.spring.fixtures.multi.MultiFixtures;
import dev.ceramic.spring.fixtures.multi.Upper;
import dev.ceramic.spring.fixtures.scan.Scanned;
import dev.ceramic.spring.fixtures.scan.ScannedService;
import dev.ceramic.spring.fixtures.scanning.ScanningConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CeramicAutoConfiguration}. Every pool here has {@code min-workers} 0,
 * so no worker JVM ever starts.
 */
@ExtendWith(OutputCaptureExtension.class)
class CeramicAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CeramicAutoConfiguration.class))
		.withPropertyValues("ceramic.defaults.min-workers=0");

	@Test
	void whenThereIsNoOutOfProcessClassThenCeramicPoolsHasNoPools() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(CeramicPools.class).hasSingleBean(CeramicPoolsLifecycle.class);
			assertThat(context.getBean(CeramicPools.class).all()).isEmpty();
			assertThat(context.getBean(OutOfProcessServices.class).services()).isEmpty();
		});
	}

	@Test
	void whenOutOfProcessClassIsInAnAutoConfigurationPackageThenItsInterfaceIsAProxyBean() {
		this.contextRunner.withUserConfiguration(BasicFixtures.class).run((context) -> {
			assertThat(context).hasSingleBean(Echo.class);
			assertThat(Proxy.isProxyClass(context.getBean(Echo.class).getClass())).isTrue();
			assertThat(context.getBeanFactory().getBeanDefinition("echoService").getBeanClassName())
				.isEqualTo(OutOfProcessServiceFactoryBean.class.getName());
			assertThat(beanClassNames(context)).doesNotContain(EchoService.class.getName(),
					EchoConfiguration.class.getName());
			assertThat(context).doesNotHaveBean(EchoProperties.class);
		});
	}

	@Test
	void whenOutOfProcessClassIsInAnAutoConfigurationPackageThenCeramicPoolsHasItsPool() {
		this.contextRunner.withUserConfiguration(BasicFixtures.class).run((context) -> {
			CeramicPools pools = context.getBean(CeramicPools.class);
			assertThat(pools.all()).singleElement().satisfies((pool) -> assertThat(pool.name()).isEqualTo("echo"));
			assertThat(context.getBean(OutOfProcessServices.class).services())
				.containsExactly(new OutOfProcessService(Echo.class.getName(), EchoService.class.getName(), "echo",
						java.util.List.of(EchoConfiguration.class.getName())));
			assertThat(pools.get("echo").settings().systemProperties())
				.containsEntry("ceramic.worker.spring.configurations", EchoConfiguration.class.getName());
		});
	}

	@Test
	void whenClassImplementsTwoServiceInterfacesThenEachIsAProxyBeanOfItsPool() {
		this.contextRunner.withUserConfiguration(MultiFixtures.class).run((context) -> {
			assertThat(context).hasSingleBean(Upper.class).hasSingleBean(Lower.class);
			assertThat(context.getBeanNamesForType(Upper.class)).containsExactly("caseService.upper");
			assertThat(context.getBeanNamesForType(Lower.class)).containsExactly("caseService.lower");
			assertThat(context.getBean(OutOfProcessServices.class).services())
				.extracting(OutOfProcessService::serviceInterface)
				.containsExactlyInAnyOrder(Upper.class.getName(), Lower.class.getName());
			assertThat(context.getBean(CeramicPools.class).get("case")).isNotNull();
		});
	}

	@Test
	void whenTwoClassesShareASimpleNameThenTheSecondBeanIsNamedByItsFullClassName() {
		this.contextRunner.withUserConfiguration(TwinsFixtures.class).run((context) -> {
			assertThat(context).hasSingleBean(TwinA.class).hasSingleBean(TwinB.class);
			assertThat(
					List.of(context.getBeanNamesForType(TwinA.class)[0], context.getBeanNamesForType(TwinB.class)[0]))
				.containsExactlyInAnyOrder("twin", dev.ceramic.spring.fixtures.twins.b.Twin.class.getName());
		});
	}

	@Test
	void whenOutOfProcessScanNamesAnotherPackageThenItsClassesBecomeProxyBeans() {
		this.contextRunner.withUserConfiguration(ScanningConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(Scanned.class);
			assertThat(Proxy.isProxyClass(context.getBean(Scanned.class).getClass())).isTrue();
			assertThat(context.getBean(CeramicPools.class).get("scanned")).isNotNull();
			assertThat(System.getProperty(ScannedService.INITIALIZED_PROPERTY)).isNull();
		});
	}

	@Test
	void whenClassIsMarkedThroughAMetaAnnotationThenItIsAProxyBeanOfThatPool() {
		this.contextRunner.withUserConfiguration(MetaFixtures.class).run((context) -> {
			assertThat(context).hasSingleBean(Echo.class);
			assertThat(Proxy.isProxyClass(context.getBean(Echo.class).getClass())).isTrue();
			assertThat(context.getBean(OutOfProcessServices.class).services()).singleElement()
				.satisfies((service) -> assertThat(service.pool()).isEqualTo("native"));
			assertThat(context.getBean(CeramicPools.class).get("native")).isNotNull();
		});
	}

	@Test
	void whenNeitherAutoConfigurationPackageNorScanIncludesAClassThenItIsNotFound() {
		this.contextRunner.withUserConfiguration(MultiFixtures.class).run((context) -> {
			assertThat(context).doesNotHaveBean(Echo.class).doesNotHaveBean(Scanned.class);
			assertThat(context.getBean(CeramicPools.class).all()).extracting((pool) -> pool.name())
				.containsExactly("case");
		});
	}

	@Test
	void whenAPoolIsConfiguredThatNoServiceUsesThenItIsNotCreatedAndAWarningSaysSo(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(BasicFixtures.class)
			.withPropertyValues("ceramic.pools.unused.max-workers=2")
			.run((context) -> {
				assertThat(context.getBean(CeramicPools.class).get("unused")).isNull();
				assertThat(output).contains("ceramic.pools.unused is configured, but no @OutOfProcess service uses");
			});
	}

	@Test
	void whenUserDefinesCeramicPoolsThenAutoConfigurationBacksOff() {
		this.contextRunner.withUserConfiguration(BasicFixtures.class, UserPoolsConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(CeramicPools.class);
			assertThat(context.getBean(CeramicPools.class)).isSameAs(context.getBean("userPools"));
			assertThat(context.getBean(CeramicPools.class).all()).isEmpty();
			assertThat(context).hasSingleBean(CeramicPoolsLifecycle.class);
		});
	}

	@Test
	void whenUserDefinesCeramicPoolsLifecycleThenAutoConfigurationBacksOff() {
		this.contextRunner.withUserConfiguration(UserLifecycleConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(CeramicPoolsLifecycle.class);
			assertThat(context.getBean(CeramicPoolsLifecycle.class)).isSameAs(context.getBean("userLifecycle"));
		});
	}

	@Test
	void whenModeIsInProcessThenTheImplementationIsAPlainBeanAndThereAreNoPools() {
		this.contextRunner.withUserConfiguration(BasicFixtures.class)
			.withPropertyValues("ceramic.mode=in-process", "echo.prefix=in-process:")
			.run((context) -> {
				assertThat(context).hasSingleBean(Echo.class).getBean(Echo.class).isInstanceOf(EchoService.class);
				assertThat(context.getBean(Echo.class).echo("hi")).isEqualTo("in-process:hi");
				assertThat(context).doesNotHaveBean(CeramicPools.class).doesNotHaveBean(CeramicPoolsLifecycle.class);
			});
	}

	@Test
	void whenModeIsInProcessThenTheLossOfIsolationIsLogged(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(BasicFixtures.class)
			.withPropertyValues("ceramic.mode=in-process")
			.run((context) -> assertThat(context).hasNotFailed());
		// INFO here, because JUnit is on the classpath; WARN in an application without
		// it.
		assertThat(output).contains("ceramic.mode=in-process: 1 @OutOfProcess service(s) run inside this application")
			.contains("Use this mode for tests only.");
	}

	@Test
	void whenModeIsInProcessThenTheConfigurationClassesItNamesAreRegistered() {
		this.contextRunner.withUserConfiguration(BasicFixtures.class)
			.withPropertyValues("ceramic.mode=in-process", "echo.prefix=bound:")
			.run((context) -> {
				assertThat(context).hasSingleBean(EchoConfiguration.class).hasSingleBean(EchoProperties.class);
				assertThat(context.getBean(EchoProperties.class).getPrefix()).isEqualTo("bound:");
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "in-process", "IN_PROCESS", "in_process", "inProcess" })
	void whenModeIsInProcessInAnySpellingThatBindsThenServicesRunInProcess(String mode) {
		this.contextRunner.withUserConfiguration(BasicFixtures.class)
			.withPropertyValues("ceramic.mode=" + mode)
			.run((context) -> {
				assertThat(context.getBean(CeramicProperties.class).getMode())
					.isEqualTo(CeramicProperties.Mode.IN_PROCESS);
				assertThat(context).getBean(Echo.class).isInstanceOf(EchoService.class);
				assertThat(context).doesNotHaveBean(CeramicPools.class);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "out-of-process", "OUT_OF_PROCESS", "out_of_process", "outOfProcess" })
	void whenModeIsOutOfProcessInAnySpellingThatBindsThenServicesAreProxiesIntoPools(String mode) {
		this.contextRunner.withUserConfiguration(BasicFixtures.class)
			.withPropertyValues("ceramic.mode=" + mode)
			.run((context) -> {
				assertThat(context.getBean(CeramicProperties.class).getMode())
					.isEqualTo(CeramicProperties.Mode.OUT_OF_PROCESS);
				assertThat(context).hasSingleBean(CeramicPools.class);
				assertThat(Proxy.isProxyClass(context.getBean(Echo.class).getClass())).isTrue();
			});
	}

	@Test
	void poolsStartBeforeAndStopAfterTheWebServer() {
		// A lower phase starts earlier and stops later: the pools are warm before the
		// server takes requests, and stop only once graceful shutdown has drained them.
		assertThat(CeramicPoolsLifecycle.PHASE).isLessThan(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE)
			.isLessThan(WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE);
		this.contextRunner.run((context) -> assertThat(context.getBean(CeramicPoolsLifecycle.class).getPhase())
			.isEqualTo(CeramicPoolsLifecycle.PHASE));
	}

	private static String[] beanClassNames(AssertableApplicationContext context) {
		return Arrays.stream(context.getBeanFactory().getBeanDefinitionNames())
			.map((name) -> context.getBeanFactory().getBeanDefinition(name).getBeanClassName())
			.filter((name) -> name != null)
			.toArray(String[]::new);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserPoolsConfiguration {

		@Bean
		CeramicPools userPools() {
			return new CeramicPools(Map.of());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserLifecycleConfiguration {

		@Bean
		CeramicPoolsLifecycle userLifecycle(CeramicPools pools) {
			return new CeramicPoolsLifecycle(pools, false);
		}

	}

}
