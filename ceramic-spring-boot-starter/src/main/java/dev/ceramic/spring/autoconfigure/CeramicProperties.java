package dev.ceramic.spring.autoconfigure;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration properties of ceramic's worker pools.
 *
 * <p>
 * The class validates itself: each pool's settings, merged with {@code ceramic.defaults},
 * are checked at start-up by ceramic's core, and every message names the key to change.
 */
@Validated
@ConfigurationProperties("ceramic")
public class CeramicProperties implements Validator {

	/**
	 * Where @OutOfProcess services run. "in-process" runs them in the application itself,
	 * for fast tests: isolation is lost.
	 */
	private Mode mode = Mode.OUT_OF_PROCESS;

	/**
	 * Whether application start-up waits until every pool has min-workers ready. Either
	 * way, readiness refuses traffic until then.
	 */
	private boolean waitForWorkers = true;

	/**
	 * Start-up work that workers share across starts and application restarts.
	 */
	@NestedConfigurationProperty
	private StartupCache startupCache = new StartupCache();

	/**
	 * Settings every pool inherits unless it sets its own.
	 */
	@NestedConfigurationProperty
	private PoolProperties defaults = new PoolProperties();

	/**
	 * Settings of each pool, by the pool's name in @OutOfProcess(pool = ...). Each pool
	 * takes the keys of ceramic.defaults, such as ceramic.pools.<name>.max-workers, and
	 * inherits from there what it leaves unset.
	 */
	private Map<String, PoolProperties> pools = new LinkedHashMap<>();

	public Mode getMode() {
		return this.mode;
	}

	public void setMode(Mode mode) {
		this.mode = mode;
	}

	public boolean isWaitForWorkers() {
		return this.waitForWorkers;
	}

	public void setWaitForWorkers(boolean waitForWorkers) {
		this.waitForWorkers = waitForWorkers;
	}

	public StartupCache getStartupCache() {
		return this.startupCache;
	}

	public void setStartupCache(StartupCache startupCache) {
		this.startupCache = startupCache;
	}

	public PoolProperties getDefaults() {
		return this.defaults;
	}

	public void setDefaults(PoolProperties defaults) {
		this.defaults = defaults;
	}

	public Map<String, PoolProperties> getPools() {
		return this.pools;
	}

	public void setPools(Map<String, PoolProperties> pools) {
		this.pools = pools;
	}

	/**
	 * Return the effective settings of a pool: its own, then {@code ceramic.defaults},
	 * then the built-in defaults.
	 * @param name the pool's name
	 * @return the merged settings
	 */
	public PoolProperties effective(String name) {
		PoolProperties own = this.pools.getOrDefault(name, new PoolProperties());
		return own.inheritFrom(this.defaults.inheritFrom(PoolProperties.builtInDefaults()));
	}

	@Override
	public boolean supports(Class<?> type) {
		return CeramicProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		CeramicProperties properties = (CeramicProperties) target;
		PoolValidator.validate("defaults", "ceramic.defaults", "defaults",
				properties.defaults.inheritFrom(PoolProperties.builtInDefaults()), errors);
		properties.pools.keySet()
			.forEach((name) -> PoolValidator.validate("pools[" + name + "]", "ceramic.pools." + name, name,
					properties.effective(name), errors));
	}

	/**
	 * Start-up work that workers share: a class-data archive trained on a whole worker,
	 * and an executable jar unpacked into plain jars, kept across application restarts.
	 */
	public static class StartupCache {

		/**
		 * Whether workers share start-up work through the cache. Off, every worker starts
		 * from scratch, and workers of a java -jar application go through the jar's own
		 * launcher.
		 */
		private boolean enabled = true;

		/**
		 * Where the cache lives: a directory of this user's alone (made with mode 0700,
		 * refused with a warning when group or others can write it). Defaults to
		 * <java.io.tmpdir>/ceramic-<uid>.
		 */
		private @Nullable Path directory;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(@Nullable Path directory) {
			this.directory = directory;
		}

	}

	/**
	 * Where {@code @OutOfProcess} services run.
	 */
	public enum Mode {

		/** In pools of worker JVMs: the point of ceramic. */
		OUT_OF_PROCESS,

		/** In the application itself, for fast tests. Isolation is lost. */
		IN_PROCESS;

		/**
		 * Return the mode that {@code ceramic.mode} binds to, in any spelling that binds
		 * ({@code in-process}, {@code IN_PROCESS}, {@code inProcess}), for the decisions
		 * made before the properties are bound.
		 * @param environment the environment
		 * @return the mode
		 */
		static Mode of(Environment environment) {
			return Binder.get(environment).bind("ceramic.mode", Mode.class).orElse(OUT_OF_PROCESS);
		}

	}

}
