package dev.ceramic.test.pool;

import java.util.ArrayList;
import java.util.List;

import dev.ceramic.pool.ServiceFactory;
import org.jspecify.annotations.Nullable;

/**
 * Makes a {@link ConfiguredService} that remembers the arguments the factory was given.
 */
public class ArgumentsFactory implements ServiceFactory {

	@Override
	public List<Object> createServices(List<Class<?>> implementationClasses, List<String> arguments) {
		List<Object> services = new ArrayList<>();
		for (int i = 0; i < implementationClasses.size(); i++) {
			services.add(new Configured(List.copyOf(arguments)));
		}
		return services;
	}

	/**
	 * The service; the pool names it as the implementation.
	 *
	 * @param arguments the factory's arguments
	 */
	public record Configured(List<String> arguments) implements ConfiguredService {

		@Override
		public @Nullable String systemProperty(String key) {
			return System.getProperty(key);
		}

		@Override
		public long pid() {
			return ProcessHandle.current().pid();
		}

	}

}
