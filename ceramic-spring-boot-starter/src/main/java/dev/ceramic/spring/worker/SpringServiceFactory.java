package dev.ceramic.spring.worker;

import java.beans.Introspector;
import java.util.ArrayList;
import java.util.List;

import dev.ceramic.pool.ServiceFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Makes the services of a worker as beans of a lean Spring context: no web server, no
 * auto-configuration, just the implementation classes, the configuration classes their
 * {@code @OutOfProcess} names, and the application's environment (its
 * {@code application.yml}, active profiles and command-line arguments, which reach the
 * worker over its channel). So {@code @Value}, {@code @ConfigurationProperties} and
 * constructor injection work as they would in the application.
 */
public class SpringServiceFactory implements ServiceFactory {

	/**
	 * System property: configuration classes for the worker context, comma-separated.
	 * Like every pool system property, it reaches the worker over its channel.
	 */
	public static final String CONFIGURATIONS_PROPERTY = "ceramic.worker.spring.configurations";

	private static final Logger logger = LoggerFactory.getLogger(SpringServiceFactory.class);

	private @Nullable ConfigurableApplicationContext context;

	@Override
	public List<Object> createServices(List<Class<?>> implementationClasses, List<String> arguments) throws Exception {
		long start = System.nanoTime();
		ClassLoader loader = SpringServiceFactory.class.getClassLoader();
		List<Class<?>> sources = new ArrayList<>();
		sources.add(WorkerContextConfiguration.class);
		for (String name : StringUtils
			.commaDelimitedListToStringArray(System.getProperty(CONFIGURATIONS_PROPERTY, ""))) {
			sources.add(ClassUtils.forName(name.trim(), loader));
		}
		SpringApplication application = new SpringApplication(sources.toArray(new Class<?>[0]));
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setRegisterShutdownHook(false);
		application.addInitializers((context) -> {
			GenericApplicationContext generic = (GenericApplicationContext) context;
			for (Class<?> type : implementationClasses) {
				String name = Introspector.decapitalize(type.getSimpleName());
				if (!generic.containsBeanDefinition(name)) {
					generic.registerBean(name, type);
				}
			}
		});
		this.context = application.run(arguments.toArray(new String[0]));
		List<Object> services = new ArrayList<>();
		for (Class<?> type : implementationClasses) {
			services.add(this.context.getBean(type));
		}
		logger.debug("Worker context for {} started in {} ms with {} beans", implementationClasses,
				(System.nanoTime() - start) / 1_000_000, this.context.getBeanDefinitionCount());
		return services;
	}

	@Override
	public void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	/**
	 * The worker context's own configuration: {@code @ConfigurationProperties} binding.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties
	static class WorkerContextConfiguration {

	}

}
