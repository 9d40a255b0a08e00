package dev.ceramic.spring.autoconfigure.actuate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.ceramic.pool.PoolState;
import dev.ceramic.spring.autoconfigure.CeramicAutoConfiguration;
import dev.ceramic.spring.autoconfigure.CeramicPools;
import dev.ceramic.spring.fixtures.basic.BasicFixtures;
import dev.ceramic.spring.fixtures.slow.SlowFixtures;
import dev.ceramic.spring.fixtures.slow.SlowService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CeramicActuatorAutoConfiguration}. The fixture's pool {@code echo} has
 * {@code min-workers} 0, so no worker JVM starts.
 */
class CeramicActuatorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(CeramicAutoConfiguration.class, CeramicActuatorAutoConfiguration.class))
		.withUserConfiguration(BasicFixtures.class)
		.withInitializer((context) -> context.getEnvironment().setConversionService(new ApplicationConversionService()))
		.withPropertyValues("ceramic.defaults.min-workers=0",
				"management.endpoints.web.exposure.include=health,ceramic");

	@Test
	void whenThereArePoolsThenTheHealthContributorHasAnIndicatorPerPool() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasBean("ceramicHealthContributor");
			CompositeHealthContributor contributor = context.getBean("ceramicHealthContributor",
					CompositeHealthContributor.class);
			assertThat(contributor.stream()).singleElement()
				.satisfies((entry) -> assertThat(entry.name()).isEqualTo("echo"));
			Health health = ((HealthIndicator) contributor.getContributor("echo")).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("state", PoolState.RUNNING)
				.containsEntry("workers", 0)
				.containsEntry("minWorkers", 0)
				.containsEntry("crashes", 0L);
		});
	}

	@Test
	void whenThereArePoolsThenTheEndpointListsThem() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(CeramicEndpoint.class);
			Map<String, CeramicEndpoint.PoolDescriptor> pools = context.getBean(CeramicEndpoint.class)
				.pools(SecurityContext.NONE)
				.pools();
			assertThat(pools).containsOnlyKeys("echo");
			assertThat(pools.get("echo").state()).isEqualTo(PoolState.RUNNING);
			assertThat(pools.get("echo").workers()).isEmpty();
		});
	}

	@Test
	void whenTheHealthEndpointIsAutoConfiguredThenEachPoolHasAHealthPathUnderCeramic() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
			.run((context) -> {
				HealthEndpoint health = context.getBean(HealthEndpoint.class);
				assertThat(health.healthForPath("ceramic", "echo").getStatus()).isEqualTo(Status.UP);
				assertThat(health.healthForPath("ceramic", "nosuchpool")).isNull();
			});
	}

	@Test
	void aDegradedPoolMakesTheCeramicComponentAndTheApplicationDegradedNotUnknown(@TempDir Path temp) {
		degradedPool(temp).run((context) -> {
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			assertThat(health.healthForPath("ceramic", "slow").getStatus()).isEqualTo(PoolHealthIndicator.DEGRADED);
			assertThat(health.healthForPath("ceramic").getStatus()).isEqualTo(PoolHealthIndicator.DEGRADED);
			assertThat(health.health().getStatus()).isEqualTo(PoolHealthIndicator.DEGRADED);
			Files.createFile(temp.resolve("gate"));
		});
	}

	@Test
	void aStatusOrderOfTheApplicationsOwnRanksDegradedJustBeforeUp(@TempDir Path temp) {
		degradedPool(temp)
			.withPropertyValues("management.endpoint.health.status.order=down,up,unknown",
					"management.endpoint.health.group.pools.include=ceramic",
					"management.endpoint.health.group.pools.status.order=up,down")
			.run((context) -> {
				HealthEndpoint health = context.getBean(HealthEndpoint.class);
				assertThat(health.health().getStatus()).isEqualTo(PoolHealthIndicator.DEGRADED);
				assertThat(health.healthForPath("pools").getStatus()).isEqualTo(PoolHealthIndicator.DEGRADED);
				Files.createFile(temp.resolve("gate"));
			});
	}

	/**
	 * A context whose only pool is degraded: its one worker cannot start until the file
	 * {@code gate} exists, which the test makes at its end, and start-up does not wait
	 * for it.
	 */
	private static ApplicationContextRunner degradedPool(Path temp) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CeramicAutoConfiguration.class,
					CeramicActuatorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
			.withUserConfiguration(SlowFixtures.class)
			.withInitializer(
					(context) -> context.getEnvironment().setConversionService(new ApplicationConversionService()))
			.withPropertyValues("ceramic.wait-for-workers=false", "ceramic.pools.slow.min-workers=1",
					"ceramic.pools.slow.max-workers=1", "ceramic.pools.slow.startup-timeout=90s",
					"ceramic.pools.slow.system-properties." + SlowService.GATE_PROPERTY + "=" + temp.resolve("gate"),
					"ceramic.pools.slow.jvm-args=-XX:TieredStopAtLevel=1,-XX:+UseSerialGC,-Xmx64m");
	}

	@Test
	void whenThereIsNoCeramicPoolsThenAutoConfigurationBacksOff() {
		this.contextRunner.withPropertyValues("ceramic.mode=in-process").run((context) -> {
			assertThat(context).doesNotHaveBean(CeramicPools.class);
			assertThat(context).doesNotHaveBean("ceramicHealthContributor").doesNotHaveBean(CeramicEndpoint.class);
		});
	}

	@Test
	void whenHealthIsNotOnTheClasspathThenThereIsNoHealthContributorButTheEndpoint() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run((context) -> {
			assertThat(context).doesNotHaveBean("ceramicHealthContributor");
			assertThat(context).hasSingleBean(CeramicEndpoint.class);
		});
	}

	@Test
	void whenActuatorEndpointsAreNotOnTheClasspathThenThereIsNoEndpointButTheHealthContributor() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Endpoint.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(CeramicEndpoint.class);
			assertThat(context).hasBean("ceramicHealthContributor");
		});
	}

	@Test
	void whenNeitherActuatorNorHealthIsOnTheClasspathThenThePoolsStillWork() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Endpoint.class, HealthIndicator.class))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(CeramicPools.class);
				assertThat(context).doesNotHaveBean(CeramicEndpoint.class).doesNotHaveBean("ceramicHealthContributor");
			});
	}

	@Test
	void whenCeramicHealthIsDisabledThenThereIsNoHealthContributor() {
		this.contextRunner.withPropertyValues("management.health.ceramic.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("ceramicHealthContributor")
				.hasSingleBean(CeramicEndpoint.class));
	}

	@Test
	void whenDefaultHealthIndicatorsAreDisabledThenThereIsNoHealthContributor() {
		this.contextRunner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("ceramicHealthContributor"));
	}

	@Test
	void whenDefaultHealthIndicatorsAreDisabledButCeramicIsEnabledThenThereIsAHealthContributor() {
		this.contextRunner
			.withPropertyValues("management.health.defaults.enabled=false", "management.health.ceramic.enabled=true")
			.run((context) -> assertThat(context).hasBean("ceramicHealthContributor"));
	}

	@Test
	void whenEndpointAccessIsNoneThenThereIsNoEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoint.ceramic.access=none")
			.run((context) -> assertThat(context).doesNotHaveBean(CeramicEndpoint.class)
				.hasBean("ceramicHealthContributor"));
	}

	@Test
	void whenDefaultEndpointAccessIsNoneThenThereIsNoEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.access.default=none")
			.run((context) -> assertThat(context).doesNotHaveBean(CeramicEndpoint.class));
	}

	@Test
	void whenEndpointIsReadOnlyThenThereIsAnEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoint.ceramic.access=read-only")
			.run((context) -> assertThat(context).hasSingleBean(CeramicEndpoint.class));
	}

	@Test
	void whenEndpointIsNotExposedThenThereIsNoEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(CeramicEndpoint.class));
	}

	@Test
	void whenUserDefinesCeramicEndpointThenAutoConfigurationBacksOff() {
		this.contextRunner.withUserConfiguration(UserEndpointConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(CeramicEndpoint.class);
			assertThat(context.getBean(CeramicEndpoint.class)).isSameAs(context.getBean("userEndpoint"));
		});
	}

	@Test
	void whenUserDefinesCeramicHealthContributorThenAutoConfigurationBacksOff() {
		this.contextRunner.withUserConfiguration(UserHealthConfiguration.class).run((context) -> {
			assertThat(context).hasBean("ceramicHealthContributor");
			assertThat(context.getBean("ceramicHealthContributor")).isInstanceOf(HealthIndicator.class)
				.isNotInstanceOf(CompositeHealthContributor.class);
			assertThat(((HealthIndicator) context.getBean("ceramicHealthContributor")).health().getStatus())
				.isEqualTo(Status.OUT_OF_SERVICE);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		CeramicEndpoint userEndpoint(CeramicPools pools) {
			return new CeramicEndpoint(pools);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserHealthConfiguration {

		@Bean
		HealthIndicator ceramicHealthContributor() {
			return () -> Health.outOfService().build();
		}

	}

}
