package dev.ceramic.spring.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Checks, at start-up, the keys written under {@code ceramic.pools.<name>} and
 * {@code ceramic.defaults} against those that bind, and the names of configured pools
 * against those services use.
 *
 * <ul>
 * <li>A key that binds to nothing fails start-up, with the closest valid key. Keys set as
 * environment variables are not checked (nor counted as configuring a pool): Spring Boot
 * lists them as one word, {@code ceramicpoolsdocsmaxworkers}, and matches them only when
 * binding.</li>
 * <li>A configured pool that no service uses fails start-up when its name is close to
 * that of a used pool that is not configured (a typo, whose settings would be silently
 * ignored); otherwise it is a warning.</li>
 * <li>A used pool that is not configured runs on {@code ceramic.defaults}, which is
 * normal: it is a warning, with the closest name, when a configured pool goes unused, and
 * otherwise logged at INFO.</li>
 * </ul>
 */
final class PoolConfigurationCheck {

	private static final Logger logger = LoggerFactory.getLogger(PoolConfigurationCheck.class);

	private static final ConfigurationPropertyName POOLS = ConfigurationPropertyName.of("ceramic.pools");

	private static final ConfigurationPropertyName DEFAULTS = ConfigurationPropertyName.of("ceramic.defaults");

	private PoolConfigurationCheck() {
	}

	/**
	 * Check the configuration.
	 * @param environment the application's environment
	 * @param services the {@code @OutOfProcess} services
	 * @throws OutOfProcessConfigurationException naming every unknown key and every
	 * configured pool that is likely a typo
	 */
	static void check(Environment environment, List<OutOfProcessService> services) {
		PoolKeys keys = PoolKeys.ofPools();
		Map<String, String> unknown = new LinkedHashMap<>();
		Set<String> configured = new LinkedHashSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			iterable.stream().forEach((name) -> {
				int start;
				if (POOLS.isAncestorOf(name) && name.getNumberOfElements() > 3) {
					configured.add(name.getElement(2, Form.ORIGINAL));
					start = 3;
				}
				else if (DEFAULTS.isAncestorOf(name)) {
					start = 2;
				}
				else {
					return;
				}
				PoolKeys.Unknown found = keys.check(name, start);
				if (found != null && !unknown.containsKey(name.toString())) {
					unknown.put(name.toString(), describe(name, start, found, source));
				}
			});
		}
		Map<String, Set<String>> used = new LinkedHashMap<>();
		services.forEach((service) -> used.computeIfAbsent(service.pool(), (pool) -> new LinkedHashSet<>())
			.add(service.implementation()));
		List<String> typos = checkPoolNames(configured, used);
		if (!unknown.isEmpty() || !typos.isEmpty()) {
			List<String> problems = new ArrayList<>(unknown.values());
			problems.addAll(typos);
			throw new OutOfProcessConfigurationException(
					"ceramic's configuration has " + problems.size() + " key(s) that no pool would read:"
							+ problems.stream().map((problem) -> "\n    " + problem).collect(Collectors.joining()),
					"Correct or remove each key listed. Under ceramic.pools.<name> and ceramic.defaults these keys "
							+ "are valid: " + String.join(", ", keys.allNames("")) + ".");
		}
	}

	private static String describe(ConfigurationPropertyName name, int start, PoolKeys.Unknown found,
			ConfigurationPropertySource source) {
		StringBuilder prefix = new StringBuilder();
		for (int i = 0; i < start; i++) {
			prefix.append(name.getElement(i, Form.ORIGINAL)).append('.');
		}
		ConfigurationProperty property = source.getConfigurationProperty(name);
		String origin = (property != null && property.getOrigin() != null) ? " (" + property.getOrigin() + ")" : "";
		String hint = (found.closest() != null) ? "did you mean " + prefix + found.closest() + "?"
				: "it is not a pool setting";
		return prefix + found.key() + origin + ": " + hint;
	}

	/**
	 * Compare configured and used pools; return the configured ones that are likely
	 * typos, and log the rest.
	 */
	private static List<String> checkPoolNames(Set<String> configured, Map<String, Set<String>> used) {
		List<String> unusedConfigured = configured.stream().filter((name) -> !used.containsKey(name)).toList();
		List<String> usedUnconfigured = used.keySet().stream().filter((name) -> !configured.contains(name)).toList();
		List<String> typos = new ArrayList<>();
		for (String name : unusedConfigured) {
			Optional<String> meant = ClosestName.of(name, usedUnconfigured);
			if (meant.isPresent()) {
				typos.add("ceramic.pools." + name + ": no @OutOfProcess service uses pool '" + name
						+ "'; did you mean ceramic.pools." + meant.get() + " (pool '" + meant.get() + "' of "
						+ String.join(", ", used.get(meant.get())) + ")?");
			}
			else {
				logger.warn(
						"ceramic.pools.{} is configured, but no @OutOfProcess service uses pool '{}'; pools in use: {}",
						name, name, used.keySet());
			}
		}
		for (String name : usedUnconfigured) {
			@Nullable String closest = ClosestName.of(name, unusedConfigured).orElse(null);
			if (closest != null) {
				logger.warn(
						"Pool '{}' of {} has no ceramic.pools.{}.* settings and runs on ceramic.defaults; "
								+ "did you mean ceramic.pools.{}?",
						name, String.join(", ", used.get(name)), name, closest);
			}
			else if (!unusedConfigured.isEmpty()) {
				logger.warn(
						"Pool '{}' of {} has no ceramic.pools.{}.* settings and runs on ceramic.defaults; "
								+ "configured but unused: {}",
						name, String.join(", ", used.get(name)), name, unusedConfigured);
			}
			else {
				logger.info("Pool '{}' has no ceramic.pools.{}.* settings and runs on ceramic.defaults", name, name);
			}
		}
		return typos;
	}

}
