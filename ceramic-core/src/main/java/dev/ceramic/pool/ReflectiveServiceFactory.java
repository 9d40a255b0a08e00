package dev.ceramic.pool;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes each service with its no-argument constructor, whatever its visibility. A class
 * whose only constructor takes arguments needs another {@link ServiceFactory}, such as
 * the Spring Boot starter's.
 */
public class ReflectiveServiceFactory implements ServiceFactory {

	@Override
	public List<Object> createServices(List<Class<?>> implementationClasses, List<String> arguments) throws Exception {
		List<Object> services = new ArrayList<>(implementationClasses.size());
		for (Class<?> type : implementationClasses) {
			Constructor<?> constructor;
			try {
				constructor = type.getDeclaredConstructor();
			}
			catch (NoSuchMethodException ex) {
				throw new IllegalStateException(type.getName() + " has no no-argument constructor, which "
						+ ReflectiveServiceFactory.class.getSimpleName()
						+ " needs; add one, or give the pool a ServiceFactory that can build it (the Spring Boot starter's injects constructor arguments)",
						ex);
			}
			constructor.setAccessible(true);
			services.add(constructor.newInstance());
		}
		return services;
	}

}
