package dev.ceramic.spring.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.ceramic.spring.OutOfProcessScan;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConstructorArgumentValues.ValueHolder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * The packages that {@link OutOfProcessScan} adds to the scan for {@code @OutOfProcess}
 * services, held as a bean, in the manner of Spring Boot's {@code EntityScanPackages}.
 */
public final class OutOfProcessScanPackages {

	static final String BEAN_NAME = OutOfProcessScanPackages.class.getName();

	private final List<String> packageNames;

	OutOfProcessScanPackages(String... packageNames) {
		this.packageNames = List.of(packageNames);
	}

	/**
	 * Return the packages.
	 * @return the package names
	 */
	public List<String> packageNames() {
		return this.packageNames;
	}

	static List<String> get(BeanFactory beanFactory) {
		return beanFactory.containsBean(BEAN_NAME)
				? beanFactory.getBean(BEAN_NAME, OutOfProcessScanPackages.class).packageNames() : List.of();
	}

	/**
	 * Registers the packages of an {@link OutOfProcessScan} annotation.
	 */
	public static final class Registrar implements ImportBeanDefinitionRegistrar {

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			AnnotationAttributes attributes = Objects.requireNonNull(
					AnnotationAttributes.fromMap(metadata.getAnnotationAttributes(OutOfProcessScan.class.getName())));
			Set<String> packages = new LinkedHashSet<>(List.of(attributes.getStringArray("basePackages")));
			for (Class<?> type : attributes.getClassArray("basePackageClasses")) {
				packages.add(type.getPackageName());
			}
			if (packages.isEmpty()) {
				packages.add(ClassUtils.getPackageName(metadata.getClassName()));
			}
			if (registry.containsBeanDefinition(BEAN_NAME)) {
				ValueHolder existing = registry.getBeanDefinition(BEAN_NAME)
					.getConstructorArgumentValues()
					.getIndexedArgumentValue(0, String[].class);
				if (existing != null) {
					packages.addAll(List.of((String[]) existing.getValue()));
				}
				registry.removeBeanDefinition(BEAN_NAME);
			}
			RootBeanDefinition definition = new RootBeanDefinition(OutOfProcessScanPackages.class);
			definition.getConstructorArgumentValues()
				.addIndexedArgumentValue(0, new ArrayList<>(packages).toArray(new String[0]));
			definition.setRole(RootBeanDefinition.ROLE_INFRASTRUCTURE);
			registry.registerBeanDefinition(BEAN_NAME, definition);
		}

	}

}
