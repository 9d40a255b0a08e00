package dev.ceramic.spring.autoconfigure.metrics;

import dev.ceramic.pool.CallInterceptor;
import dev.ceramic.pool.CallRejectedException;
import dev.ceramic.spring.autoconfigure.CeramicAutoConfiguration;
import dev.ceramic.spring.autoconfigure.CeramicPools;
import dev.ceramic.spring.fixtures.basic.BasicFixtures;
import dev.ceramic.spring.fixtures.basic.Echo;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link CeramicMetricsAutoConfiguration}. The fixture's pool {@code echo} has
 * {@code min-workers} 0, so no worker JVM starts; to see what an interceptor records,
 * tests stop the pools and make a call, which the pool rejects without a worker.
 */
class CeramicMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CeramicAutoConfiguration.class, CeramicMetricsAutoConfiguration.class))
		.withUserConfiguration(BasicFixtures.class)
		.withPropertyValues("ceramic.defaults.min-workers=0");

	@Test
	void whenThereIsAnObservationRegistryThenCallsAreObserved() {
		this.contextRunner.withUserConfiguration(ObservationRegistryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(CallInterceptor.class);
			assertThat(context).getBean("ceramicCallObservation").isInstanceOf(ObservedCallInterceptor.class);
		});
	}

	@Test
	void whenThereIsOnlyAMeterRegistryThenCallsAreTimed() {
		this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(CallInterceptor.class);
			assertThat(context).getBean("ceramicCallTimer").isInstanceOf(TimedCallInterceptor.class);
		});
	}

	@Test
	void whenThereAreBothRegistriesThenCallsAreObservedOnly() {
		this.contextRunner
			.withUserConfiguration(ObservationRegistryConfiguration.class, MeterRegistryConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(CallInterceptor.class);
				assertThat(context).getBean("ceramicCallObservation").isInstanceOf(ObservedCallInterceptor.class);
			});
	}

	@Test
	void whenThereIsNoRegistryThenThereIsNoInterceptor() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(CallInterceptor.class));
	}

	@Test
	void whenMicrometerObservationIsNotOnTheClasspathThenCallsAreTimed() {
		this.contextRunner
			.withUserConfiguration(ObservationRegistryConfiguration.class, MeterRegistryConfiguration.class)
			.withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(CallInterceptor.class);
				assertThat(context).getBean("ceramicCallTimer").isInstanceOf(TimedCallInterceptor.class);
			});
	}

	@Test
	void whenMicrometerCoreIsNotOnTheClasspathThenCallsAreObservedAndThereAreNoPoolMetrics() {
		this.contextRunner
			.withUserConfiguration(ObservationRegistryConfiguration.class, MeterRegistryConfiguration.class)
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> {
				assertThat(context).getBean("ceramicCallObservation").isInstanceOf(ObservedCallInterceptor.class);
				assertThat(context).doesNotHaveBean("ceramicCallTimer").doesNotHaveBean(PoolMetrics.class);
			});
	}

	@Test
	void whenThereArePoolsThenThereArePoolMetrics() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(PoolMetrics.class));
	}

	@Test
	void whenThereIsNoCeramicPoolsThenThereAreNoPoolMetrics() {
		this.contextRunner.withPropertyValues("ceramic.mode=in-process")
			.run((context) -> assertThat(context).doesNotHaveBean(CeramicPools.class)
				.doesNotHaveBean(PoolMetrics.class));
	}

	@Test
	void whenUserDefinesPoolMetricsThenAutoConfigurationBacksOff() {
		this.contextRunner.withUserConfiguration(UserPoolMetricsConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PoolMetrics.class);
			assertThat(context.getBean(PoolMetrics.class)).isSameAs(context.getBean("userPoolMetrics"));
		});
	}

	@Test
	void whenUserDefinesCeramicCallObservationThenAutoConfigurationBacksOff() {
		this.contextRunner
			.withUserConfiguration(ObservationRegistryConfiguration.class, MeterRegistryConfiguration.class,
					UserObservationConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(CallInterceptor.class);
				assertThat(context).getBean("ceramicCallObservation").isNotInstanceOf(ObservedCallInterceptor.class);
			});
	}

	@Test
	void whenUserDefinesCeramicCallTimerThenAutoConfigurationBacksOff() {
		this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class, UserTimerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(CallInterceptor.class);
				assertThat(context).getBean("ceramicCallTimer").isNotInstanceOf(TimedCallInterceptor.class);
			});
	}

	@Test
	void whenCallsAreTimedThenTheTimerIsTaggedWithPoolServiceMethodAndOutcome() {
		this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class).run((context) -> {
			callAfterThePoolsStopped(context);
			Timer timer = context.getBean(MeterRegistry.class)
				.get("ceramic.calls")
				.tag("pool", "echo")
				.tag("service", Echo.class.getName())
				.tag("method", "echo")
				.tag("outcome", "rejected")
				.timer();
			assertThat(timer.count()).isOne();
		});
	}

	@Test
	void whenMetricsAndObservationAreAutoConfiguredThenEachCallIsRecordedOnceThroughTheObservation() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).getBean("ceramicCallObservation").isInstanceOf(ObservedCallInterceptor.class);
				callAfterThePoolsStopped(context);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("ceramic.calls").timers()).singleElement().satisfies((timer) -> {
					assertThat(timer.getId().getTag("outcome")).isEqualTo("rejected");
					assertThat(timer.getId().getTag("pool")).isEqualTo("echo");
					assertThat(timer.getId().getTag("method")).isEqualTo("echo");
					assertThat(timer.count()).isOne();
				});
			});
	}

	@Test
	void whenMetricsAreAutoConfiguredThenPoolGaugesAndCountersAreRegistered() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				for (String state : new String[] { "busy", "idle", "starting" }) {
					assertThat(registry.get("ceramic.workers").tag("pool", "echo").tag("state", state).gauge().value())
						.isZero();
				}
				assertThat(registry.get("ceramic.calls.queued").tag("pool", "echo").gauge().value()).isZero();
				for (String counter : new String[] { "ceramic.worker.crashes", "ceramic.worker.timeouts",
						"ceramic.worker.recycles" }) {
					assertThat(registry.get(counter).tag("pool", "echo").functionCounter().count()).isZero();
				}
				for (String reason : new String[] { "initial", "replacement", "growth" }) {
					assertThat(registry.get("ceramic.worker.starts")
						.tag("pool", "echo")
						.tag("reason", reason)
						.functionCounter()
						.count()).isZero();
				}
			});
	}

	@Test
	void aWorkerStartedForACallAboveMinWorkersCountsAsGrowthNotReplacement() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.withPropertyValues("ceramic.defaults.startup-timeout=90s",
					"ceramic.defaults.jvm-args=-XX:TieredStopAtLevel=1,-XX:+UseSerialGC,-Xmx64m")
			.run((context) -> {
				assertThat(context.getBean(Echo.class).echo("hello")).isEqualTo("echo: hello");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("ceramic.worker.starts").tag("reason", "growth").functionCounter().count())
					.isOne();
				assertThat(registry.get("ceramic.worker.starts").tag("reason", "replacement").functionCounter().count())
					.isZero();
				assertThat(registry.get("ceramic.worker.starts").tag("reason", "initial").functionCounter().count())
					.isZero();
			});
	}

	private static void callAfterThePoolsStopped(AssertableApplicationContext context) {
		context.getBean(CeramicPools.class).stop();
		assertThatExceptionOfType(CallRejectedException.class)
			.isThrownBy(() -> context.getBean(Echo.class).echo("anyone?"));
	}

	@Configuration(proxyBeanMethods = false)
	static class ObservationRegistryConfiguration {

		@Bean
		ObservationRegistry observationRegistry() {
			return ObservationRegistry.create();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserPoolMetricsConfiguration {

		@Bean
		PoolMetrics userPoolMetrics(CeramicPools pools) {
			return new PoolMetrics(pools);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserObservationConfiguration {

		@Bean
		CallInterceptor ceramicCallObservation() {
			return (call, next) -> next.proceed();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTimerConfiguration {

		@Bean
		CallInterceptor ceramicCallTimer() {
			return (call, next) -> next.proceed();
		}

	}

}
