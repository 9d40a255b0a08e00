package dev.ceramic.spring.autoconfigure;

import java.beans.Introspector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.ceramic.spring.OutOfProcess;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.GenericBeanDefinition;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.ClassMetadata;
import org.springframework.core.type.classreading.CachingMetadataReaderFactory;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;

/**
 * Finds {@code @OutOfProcess} classes and registers, for each service interface they
 * implement, a bean that is a proxy into the class's pool, in the manner of
 * spring-cloud-openfeign's registrar, in the packages of the application's
 * auto-configuration and of any {@code @OutOfProcessScan}. Classes are read from their
 * bytecode: the implementation class is never loaded in the application, let alone
 * initialized. In {@code ceramic.mode=in-process}, the classes are registered as ordinary
 * beans instead.
 */
class OutOfProcessServicesRegistrar
		implements ImportBeanDefinitionRegistrar, EnvironmentAware, ResourceLoaderAware, BeanFactoryAware {

	private static final Logger logger = LoggerFactory.getLogger(OutOfProcessServicesRegistrar.class);

	// Set through the Aware callbacks, which the container calls before registering.
	@SuppressWarnings("NullAway.Init")
	private Environment environment;

	private @Nullable ResourceLoader resourceLoader;

	@SuppressWarnings("NullAway.Init")
	private BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setResourceLoader(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata, BeanDefinitionRegistry registry) {
		boolean inProcess = CeramicProperties.Mode.of(this.environment) == CeramicProperties.Mode.IN_PROCESS;
		MetadataReaderFactory readers = new CachingMetadataReaderFactory(this.resourceLoader);
		List<OutOfProcessService> services = new ArrayList<>();
		for (AnnotationMetadata candidate : scan()) {
			List<String> interfaces = serviceInterfaces(candidate, readers);
			AnnotationAttributes attributes = Objects.requireNonNull(AnnotationAttributes
				.fromMap(candidate.getAnnotationAttributes(OutOfProcess.class.getName(), true)));
			String pool = attributes.getString("pool");
			List<String> configurations = List.of(attributes.getStringArray("configuration"));
			check(candidate, interfaces, pool);
			String beanName = Introspector.decapitalize(ClassUtils.getShortName(candidate.getClassName()));
			if (registry.containsBeanDefinition(beanName)) {
				// Another class of the same simple name, in another package.
				beanName = candidate.getClassName();
			}
			if (inProcess) {
				registerInProcess(registry, candidate.getClassName(), beanName, configurations);
			}
			for (String serviceInterface : interfaces) {
				checkUnique(services, serviceInterface, candidate.getClassName(), pool);
				services.add(new OutOfProcessService(serviceInterface, candidate.getClassName(), pool, configurations));
				if (!inProcess) {
					String name = (interfaces.size() == 1) ? beanName
							: beanName + "." + Introspector.decapitalize(ClassUtils.getShortName(serviceInterface));
					registry.registerBeanDefinition(name, proxyDefinition(serviceInterface, pool));
				}
			}
		}
		if (inProcess && !services.isEmpty()) {
			logInProcessWarning(services);
		}
		PoolConfigurationCheck.check(this.environment, services);
		RootBeanDefinition definition = new RootBeanDefinition(OutOfProcessServices.class);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, List.copyOf(services));
		definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
		registry.registerBeanDefinition(OutOfProcessServices.BEAN_NAME, definition);
	}

	private Set<AnnotationMetadata> scan() {
		List<String> packages = new ArrayList<>();
		if (AutoConfigurationPackages.has(this.beanFactory)) {
			packages.addAll(AutoConfigurationPackages.get(this.beanFactory));
		}
		packages.addAll(OutOfProcessScanPackages.get(this.beanFactory));
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false,
				this.environment) {

			@Override
			protected boolean isCandidateComponent(
					org.springframework.beans.factory.annotation.AnnotatedBeanDefinition definition) {
				// Report abstract classes and interfaces in check() rather than skip
				// them; but an annotation meta-annotated with @OutOfProcess marks
				// services, and is none.
				return definition.getMetadata().isIndependent() && !definition.getMetadata().isAnnotation();
			}

		};
		scanner.setResourceLoader(this.resourceLoader);
		// Only classes that carry @OutOfProcess themselves (or through a
		// meta-annotation):
		// a class that merely implements an annotated interface has no attributes to
		// read.
		scanner.addIncludeFilter(new AnnotationTypeFilter(OutOfProcess.class, true, false));
		Set<AnnotationMetadata> found = new LinkedHashSet<>();
		Set<String> seen = new LinkedHashSet<>();
		for (String basePackage : packages) {
			for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
				AnnotationMetadata metadata = ((org.springframework.beans.factory.annotation.AnnotatedBeanDefinition) candidate)
					.getMetadata();
				if (seen.add(metadata.getClassName())) {
					found.add(metadata);
				}
			}
		}
		return found;
	}

	/**
	 * The interfaces a class implements, its superclasses' included, less the JDK's and
	 * Spring's own, read from bytecode.
	 */
	private static List<String> serviceInterfaces(AnnotationMetadata metadata, MetadataReaderFactory readers) {
		Set<String> interfaces = new LinkedHashSet<>();
		ClassMetadata current = metadata;
		while (current != null) {
			for (String name : current.getInterfaceNames()) {
				if (!name.startsWith("java.") && !name.startsWith("javax.") && !name.startsWith("jakarta.")
						&& !name.startsWith("org.springframework.")) {
					interfaces.add(name);
				}
			}
			String superClass = current.getSuperClassName();
			if (superClass == null || superClass.equals(Object.class.getName())) {
				break;
			}
			try {
				current = readers.getMetadataReader(superClass).getClassMetadata();
			}
			catch (IOException ex) {
				break;
			}
		}
		return new ArrayList<>(interfaces);
	}

	private static void check(AnnotationMetadata candidate, List<String> interfaces, String pool) {
		String name = candidate.getClassName();
		if (candidate.isInterface() || candidate.isAbstract()) {
			throw new OutOfProcessConfigurationException(
					"@OutOfProcess is on " + name + ", which is "
							+ (candidate.isInterface() ? "an interface" : "abstract")
							+ "; it must be on the concrete class that implements the service.",
					"Move @OutOfProcess to the implementation class, and inject the interface where you call it.");
		}
		if (candidate.hasMetaAnnotation(Component.class.getName())
				|| candidate.hasAnnotation(Component.class.getName())) {
			throw new OutOfProcessConfigurationException("The @OutOfProcess class " + name
					+ " is also a Spring component of the application (@Component, @Service or similar), so it would be "
					+ "loaded and run inside the application, which is what @OutOfProcess exists to prevent.",
					"Remove @Component/@Service (or the stereotype annotation) from " + name
							+ ". The worker's Spring context makes it a bean there; the application gets a proxy of its interface.");
		}
		if (interfaces.isEmpty()) {
			throw new OutOfProcessConfigurationException("The @OutOfProcess class " + name
					+ " implements no service interface, so there is nothing the application could call it through.",
					"Declare an interface with the methods to call, let " + ClassUtils.getShortName(name)
							+ " implement it, and inject that interface.");
		}
		if (pool.isBlank()) {
			throw new OutOfProcessConfigurationException("The @OutOfProcess class " + name + " names a blank pool.",
					"Give @OutOfProcess(pool = ...) a name, and configure it under ceramic.pools.<name>.");
		}
	}

	private static void checkUnique(List<OutOfProcessService> services, String serviceInterface, String implementation,
			String pool) {
		for (OutOfProcessService service : services) {
			if (service.serviceInterface().equals(serviceInterface) && service.pool().equals(pool)) {
				throw new OutOfProcessConfigurationException(
						"Both " + service.implementation() + " and " + implementation + " implement " + serviceInterface
								+ " in pool '" + pool
								+ "', so a call on that interface could not tell which one should run.",
						"Move one of them to another pool with @OutOfProcess(pool = ...), or give them different interfaces.");
			}
		}
	}

	private static RootBeanDefinition proxyDefinition(String serviceInterface, String pool) {
		Class<?> type;
		try {
			// Loading the interface does not initialize it, and the implementation is
			// never loaded.
			type = ClassUtils.forName(serviceInterface, OutOfProcessServicesRegistrar.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			throw new OutOfProcessConfigurationException(
					"The service interface " + serviceInterface + " of an @OutOfProcess class cannot be loaded: "
							+ ex.getMessage(),
					"Check that " + serviceInterface + " is on the application's classpath.", ex);
		}
		RootBeanDefinition definition = new RootBeanDefinition(OutOfProcessServiceFactoryBean.class);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, type);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(1, pool);
		definition.setAttribute(FactoryBean.OBJECT_TYPE_ATTRIBUTE, type);
		return definition;
	}

	private static void registerInProcess(BeanDefinitionRegistry registry, String implementation, String beanName,
			List<String> configurations) {
		GenericBeanDefinition definition = new GenericBeanDefinition();
		definition.setBeanClassName(implementation);
		registry.registerBeanDefinition(beanName, definition);
		for (String configuration : configurations) {
			if (!registry.containsBeanDefinition(configuration)) {
				GenericBeanDefinition config = new GenericBeanDefinition();
				config.setBeanClassName(configuration);
				registry.registerBeanDefinition(configuration, config);
			}
		}
	}

	private static void logInProcessWarning(List<OutOfProcessService> services) {
		String message = "ceramic.mode=in-process: " + services.size()
				+ " @OutOfProcess service(s) run inside this application, so a crash, hang or leak in them takes the "
				+ "application down. Use this mode for tests only.";
		if (ClassUtils.isPresent("org.junit.jupiter.api.Test", OutOfProcessServicesRegistrar.class.getClassLoader())) {
			logger.info(message);
		}
		else {
			logger.warn(message);
		}
	}

}
