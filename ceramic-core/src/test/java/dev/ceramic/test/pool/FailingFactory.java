package dev.ceramic.test.pool;

import java.util.List;

import dev.ceramic.pool.ServiceFactory;

/**
 * A {@link ServiceFactory} that cannot make any service, as when a licence server or a
 * database a service needs at start-up is unreachable.
 */
public class FailingFactory implements ServiceFactory {

	/** The message of its failure. */
	public static final String MESSAGE = "licence server unreachable";

	@Override
	public List<Object> createServices(List<Class<?>> implementationClasses, List<String> arguments) {
		throw new IllegalStateException(MESSAGE);
	}

}
