package dev.ceramic.test.pool;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A service that tells what configuration its worker was given.
 */
public interface ConfiguredService {

	/**
	 * Return a system property of the worker.
	 * @param key the property's name
	 * @return its value, or {@code null}
	 */
	@Nullable String systemProperty(String key);

	/**
	 * Return the arguments the worker's factory was given.
	 * @return the arguments
	 */
	List<String> arguments();

	/**
	 * Return the worker's pid.
	 * @return the pid
	 */
	long pid();

}
