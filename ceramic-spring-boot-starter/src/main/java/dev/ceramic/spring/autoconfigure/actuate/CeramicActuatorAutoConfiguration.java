package dev.ceramic.spring.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.ceramic.pool.WorkerPool;
import dev.ceramic.spring.autoconfigure.CeramicAutoConfiguration;
import dev.ceramic.spring.autoconfigure.CeramicPools;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator support for ceramic's pools, each part only when its library is present: a
 * health contributor {@code ceramic} with one indicator per pool, with {@code DEGRADED}
 * ranked in the health endpoint's status order, and the {@code ceramic} endpoint.
 */
@AutoConfiguration(after = CeramicAutoConfiguration.class)
@ConditionalOnBean(CeramicPools.class)
public final class CeramicActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("ceramic")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "ceramicHealthContributor")
		CompositeHealthContributor ceramicHealthContributor(CeramicPools pools) {
			Map<String, PoolHealthIndicator> indicators = new LinkedHashMap<>();
			for (WorkerPool pool : pools.all()) {
				indicators.put(pool.name(), new PoolHealthIndicator(pool));
			}
			return CompositeHealthContributor.fromMap(indicators);
		}

		@Bean
		@ConditionalOnClass(HealthEndpointProperties.class)
		static DegradedStatusOrder ceramicDegradedStatusOrder() {
			return new DegradedStatusOrder();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnAvailableEndpoint(CeramicEndpoint.class)
	@EnableConfigurationProperties(CeramicEndpointProperties.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CeramicEndpoint ceramicEndpoint(CeramicPools pools, CeramicEndpointProperties properties) {
			return new CeramicEndpoint(pools, properties.getShowDetails(), properties.getRoles());
		}

	}

}
