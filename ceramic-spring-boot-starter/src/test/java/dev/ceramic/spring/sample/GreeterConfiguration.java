package dev.ceramic.spring.sample;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/**
 * The worker context's configuration for {@link GreeterService}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GreetingProperties.class)
public class GreeterConfiguration {

}
