package dev.ceramic.spring.autoconfigure.web;

import dev.ceramic.spring.autoconfigure.CeramicAutoConfiguration;
import dev.ceramic.spring.autoconfigure.CeramicPools;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ProblemDetail;

/**
 * Problem details for ceramic's exceptions in a Spring MVC or WebFlux application, unless
 * {@code ceramic.problem-details.enabled=false}: see {@link CeramicExceptionHandler}.
 */
@AutoConfiguration(after = CeramicAutoConfiguration.class)
@ConditionalOnClass(ProblemDetail.class)
@ConditionalOnBean(CeramicPools.class)
@ConditionalOnBooleanProperty(name = "ceramic.problem-details.enabled", matchIfMissing = true)
@EnableConfigurationProperties(CeramicProblemDetailsProperties.class)
public final class CeramicProblemDetailsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
	static class ServletConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CeramicExceptionHandler ceramicExceptionHandler(CeramicPools pools,
				CeramicProblemDetailsProperties properties) {
			return new CeramicExceptionHandler(pools, properties.isIncludeDiagnostics());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(name = "org.springframework.web.reactive.DispatcherHandler")
	static class ReactiveConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CeramicExceptionHandler ceramicExceptionHandler(CeramicPools pools,
				CeramicProblemDetailsProperties properties) {
			return new CeramicExceptionHandler(pools, properties.isIncludeDiagnostics());
		}

	}

}
