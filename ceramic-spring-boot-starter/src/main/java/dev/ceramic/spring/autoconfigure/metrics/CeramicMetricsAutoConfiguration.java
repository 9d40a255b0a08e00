package dev.ceramic.spring.autoconfigure.metrics;

import dev.ceramic.pool.CallInterceptor;
import dev.ceramic.spring.autoconfigure.CeramicAutoConfiguration;
import dev.ceramic.spring.autoconfigure.CeramicPools;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer support for ceramic, each part only when its library and registry are
 * present. Calls are observed when there is an {@link ObservationRegistry} (a timer
 * through Spring Boot's meter handler, and a span when tracing is on), and timed directly
 * otherwise.
 */
@AutoConfiguration(after = CeramicAutoConfiguration.class,
		afterName = {
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
public final class CeramicMetricsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBean(ObservationRegistry.class)
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "ceramicCallObservation")
		CallInterceptor ceramicCallObservation(ObservationRegistry registry) {
			return new ObservedCallInterceptor(registry);
		}

	}

	/**
	 * Only without an {@link ObservationRegistry}: otherwise calls are observed, and the
	 * meter observation handler already records the timer. (A condition on the bean
	 * {@code ceramicCallObservation} depended on which nested configuration was processed
	 * first, and both interceptors then recorded each call.)
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	@ConditionalOnMissingBean(type = "io.micrometer.observation.ObservationRegistry")
	static class MeterConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = { "ceramicCallTimer", "ceramicCallObservation" })
		CallInterceptor ceramicCallTimer(MeterRegistry registry) {
			return new TimedCallInterceptor(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class PoolMetricsConfiguration {

		@Bean
		@ConditionalOnBean(CeramicPools.class)
		@ConditionalOnMissingBean
		PoolMetrics ceramicPoolMetrics(CeramicPools pools) {
			return new PoolMetrics(pools);
		}

	}

}
