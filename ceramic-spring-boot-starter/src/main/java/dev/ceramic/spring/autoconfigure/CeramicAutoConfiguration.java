package dev.ceramic.spring.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.ceramic.pool.CallInterceptor;
import dev.ceramic.pool.PoolListener;
import dev.ceramic.pool.WorkerPool;
import dev.ceramic.pool.WorkerPoolSettings;
import dev.ceramic.process.LaunchMode;
import dev.ceramic.spring.worker.SpringServiceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of ceramic: finds {@code @OutOfProcess} services, builds a
 * {@link WorkerPool} for each pool they name from {@code ceramic.pools.<name>.*} and
 * {@code ceramic.defaults.*}, and ties the pools' life to the application context's.
 */
@AutoConfiguration
@EnableConfigurationProperties(CeramicProperties.class)
@Import(OutOfProcessServicesRegistrar.class)
public final class CeramicAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(CeramicAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OutOfProcessModeCondition.class)
	static CeramicPools ceramicPools(CeramicProperties properties,
			@Qualifier("dev.ceramic.spring.autoconfigure.OutOfProcessServices") OutOfProcessServices services,
			ObjectProvider<PoolListener> listeners, ObjectProvider<CallInterceptor> interceptors,
			ObjectProvider<ApplicationArguments> arguments, Environment environment) {
		ClassLoader loader = CeramicAutoConfiguration.class.getClassLoader();
		Map<String, List<OutOfProcessService>> byPool = new LinkedHashMap<>();
		services.services()
			.forEach((service) -> byPool.computeIfAbsent(service.pool(), (k) -> new ArrayList<>()).add(service));
		Map<String, WorkerPool> pools = new LinkedHashMap<>();
		LaunchMode launchMode = SpringBootLaunchModes.detect(loader, properties.getStartupCache());
		if (!byPool.isEmpty()) {
			logger.info("ceramic pools {} start workers from the {}", byPool.keySet(), launchMode.describe());
		}
		for (Map.Entry<String, List<OutOfProcessService>> pool : byPool.entrySet()) {
			WorkerPoolSettings settings = settings(pool.getKey(), pool.getValue(), properties, arguments, environment,
					launchMode);
			WorkerPool.Builder builder = WorkerPool.builder(settings);
			for (OutOfProcessService service : pool.getValue()) {
				builder.service(ClassUtils.resolveClassName(service.serviceInterface(), loader),
						service.implementation());
			}
			listeners.orderedStream().forEach(builder::listener);
			interceptors.orderedStream().forEach(builder::interceptor);
			pools.put(pool.getKey(), builder.build());
		}
		return new CeramicPools(pools);
	}

	@Bean
	@ConditionalOnMissingBean
	@org.springframework.boot.autoconfigure.condition.ConditionalOnBean(CeramicPools.class)
	static CeramicPoolsLifecycle ceramicPoolsLifecycle(CeramicPools pools, CeramicProperties properties) {
		return new CeramicPoolsLifecycle(pools, properties.isWaitForWorkers());
	}

	private static WorkerPoolSettings settings(String name, List<OutOfProcessService> services,
			CeramicProperties properties, ObjectProvider<ApplicationArguments> arguments, Environment environment,
			LaunchMode launchMode) {
		Set<String> configurations = new LinkedHashSet<>();
		services.forEach((service) -> configurations.addAll(service.configurations()));
		Map<String, String> workerProperties = new LinkedHashMap<>();
		workerProperties.put(SpringServiceFactory.CONFIGURATIONS_PROPERTY, String.join(",", configurations));
		if (environment.getActiveProfiles().length > 0) {
			workerProperties.put("spring.profiles.active", String.join(",", environment.getActiveProfiles()));
		}
		ApplicationArguments applicationArguments = arguments.getIfAvailable();
		List<String> workerArguments = (applicationArguments != null) ? List.of(applicationArguments.getSourceArgs())
				: List.of();
		try {
			return properties.effective(name)
				.toSettings(name)
				.serviceFactory(SpringServiceFactory.class)
				.launchMode(launchMode)
				.startupCache(properties.getStartupCache().isEnabled(), properties.getStartupCache().getDirectory())
				.systemProperties(workerProperties)
				.arguments(workerArguments)
				.build();
		}
		catch (IllegalArgumentException ex) {
			throw new OutOfProcessConfigurationException(
					"The settings of ceramic pool '" + name + "' are invalid: " + ex.getMessage(),
					"Change ceramic.pools." + name + ".* (or ceramic.defaults.*) in your application configuration.",
					ex);
		}
	}

	/**
	 * Matches unless {@code ceramic.mode} binds to {@code in-process}, in whichever
	 * spelling the binder accepts, so that the pools and the registrar always agree.
	 */
	static class OutOfProcessModeCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			CeramicProperties.Mode mode = CeramicProperties.Mode.of(context.getEnvironment());
			return new ConditionOutcome(mode == CeramicProperties.Mode.OUT_OF_PROCESS, "ceramic.mode is " + mode);
		}

	}

}
