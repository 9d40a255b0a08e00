package dev.ceramic.pool;

import java.util.List;

/**
 * Makes the service implementations inside a worker JVM. It runs in the worker, never in
 * the application. The default, {@link ReflectiveServiceFactory}, calls each class's
 * no-argument constructor; the Spring Boot starter plugs in one that builds a small
 * Spring context. Implementations need a public no-argument constructor.
 */
public interface ServiceFactory extends AutoCloseable {

	/**
	 * Create one instance of each implementation class.
	 * @param implementationClasses the classes, in order
	 * @param arguments the pool's arguments for its factory (the Spring Boot starter
	 * passes the application's command-line arguments)
	 * @return the instances, in the same order
	 * @throws Exception if an instance cannot be made; the worker reports it as a
	 * start-up failure
	 */
	List<Object> createServices(List<Class<?>> implementationClasses, List<String> arguments) throws Exception;

	/**
	 * Release what the factory holds, when the worker shuts down gracefully.
	 */
	@Override
	default void close() {
	}

}
