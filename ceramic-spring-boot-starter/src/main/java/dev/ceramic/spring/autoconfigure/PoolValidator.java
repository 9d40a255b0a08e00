package dev.ceramic.spring.autoconfigure;

import java.beans.PropertyDescriptor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.ceramic.Durations;
import dev.ceramic.pool.InvalidSettingsException;
import dev.ceramic.pool.InvalidSettingsException.Violation;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.validation.Errors;

/**
 * Checks one pool's merged settings by asking ceramic's core to build them, and reports
 * each rule they break as an error that names the {@code ceramic.*} key. Only what core
 * cannot know is checked here: that the paths exist on this machine.
 */
final class PoolValidator {

	/**
	 * Rules the starter states in its properties' own terms: a count's lower bound as a
	 * number, and a data size's range in data-size units.
	 */
	private static final Map<String, String> RULES_IN_PROPERTY_TERMS = Map.ofEntries(
			Map.entry("min-workers must not be negative", "must be at least 0"),
			Map.entry("spare-workers must not be negative (0 keeps no spare)", "must be at least 0"),
			Map.entry("max-queued-calls must not be negative", "must be at least 0"),
			Map.entry("max-frame-size must be at least 1024 bytes", "must be between 1KB and 2GB"),
			Map.entry("max-frame-size must be at most " + Integer.MAX_VALUE + " bytes", "must be between 1KB and 2GB"));

	private PoolValidator() {
	}

	/**
	 * Check a pool's settings.
	 * @param path the path of the pool's properties in {@link CeramicProperties}, such as
	 * {@code pools[docs]}
	 * @param prefix the pool's configuration prefix, such as {@code ceramic.pools.docs}
	 * @param name the pool's name
	 * @param pool the pool's settings, merged with the defaults
	 * @param errors where to report each broken rule
	 */
	static void validate(String path, String prefix, String name, PoolProperties pool, Errors errors) {
		Reporter reporter = new Reporter(path, prefix, new BeanWrapperImpl(pool), errors);
		try {
			pool.toSettings(name).build();
		}
		catch (InvalidSettingsException ex) {
			ex.violations().forEach(reporter::report);
		}
		Path javaHome = pool.getJavaHome();
		if (javaHome != null && !javaHome.resolve("bin").resolve("java").toFile().canExecute()) {
			reporter.reject("java-home", "has no executable bin/java; point it at a JDK or JRE installation", javaHome);
		}
		Path workingDirectory = pool.getWorkingDirectory();
		if (workingDirectory != null && !workingDirectory.toFile().isDirectory()) {
			reporter.reject("working-directory", "is not a directory", workingDirectory);
		}
	}

	private record Reporter(String path, String prefix, BeanWrapper pool, Errors errors) {

		/**
		 * Report a rule core found broken, with the value as bound (so a data size reads
		 * {@code 512B}, not 512).
		 */
		void report(Violation violation) {
			String setting = violation.setting();
			String rule = RULES_IN_PROPERTY_TERMS.getOrDefault(setting + " " + violation.rule(),
					violation.rule(this::key));
			String property = propertyOf(setting);
			Object value = (property != null) ? this.pool.getPropertyValue(property) : violation.value();
			reject(setting, rule, value);
		}

		void reject(String setting, String rule, @Nullable Object value) {
			String message = key(setting) + " " + rule + ", but was "
					+ ((value instanceof Duration duration) ? Durations.format(duration) : value);
			String property = propertyOf(setting);
			if (property != null) {
				this.errors.rejectValue(this.path + "." + property, "ceramic.invalid", message);
			}
			else {
				this.errors.reject("ceramic.invalid", message);
			}
		}

		private String key(String setting) {
			return this.prefix + "." + setting;
		}

		/**
		 * The bean property bound from a key under the pool's prefix, if there is one.
		 */
		private @Nullable String propertyOf(String setting) {
			int dot = setting.indexOf('.');
			if (dot > 0) {
				// A group's key, such as limits.data-size: its bean and then the key in
				// it.
				String group = propertyOf(setting.substring(0, dot));
				Object bean = (group != null) ? this.pool.getPropertyValue(group) : null;
				String nested = (bean != null)
						? new Reporter(this.path, this.prefix, new BeanWrapperImpl(bean), this.errors)
							.propertyOf(setting.substring(dot + 1))
						: null;
				return (nested != null) ? group + "." + nested : null;
			}
			for (PropertyDescriptor descriptor : this.pool.getPropertyDescriptors()) {
				if (this.pool.isWritableProperty(descriptor.getName())
						&& DataObjectPropertyName.toDashedForm(descriptor.getName()).equals(setting)) {
					return descriptor.getName();
				}
			}
			return null;
		}

	}

}
