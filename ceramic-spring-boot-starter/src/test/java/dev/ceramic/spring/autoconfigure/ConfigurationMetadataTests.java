package dev.ceramic.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ceramic.pool.WorkerPoolSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the configuration metadata that spring-boot-configuration-processor generates
 * from {@link CeramicProperties} and {@link PoolProperties}, merged with
 * {@code additional-spring-configuration-metadata.json}, which IDEs read to complete
 * {@code ceramic.*}. Its defaults must be core's, so that they cannot drift apart.
 */
class ConfigurationMetadataTests {

	private static final List<String> POOL_PROPERTIES = List.of("min-workers", "max-workers", "spare-workers",
			"acquire-timeout", "max-queued-calls", "call-timeout", "max-calls-per-worker", "idle-timeout",
			"max-worker-memory", "startup-timeout", "shutdown-grace", "jvm-args", "java-home", "system-properties",
			"environment", "inherit-environment", "working-directory", "max-frame-size", "large-value-threshold",
			"max-value-size", "max-nesting-depth", "limits.data-size", "limits.cpu-time", "limits.open-files",
			"limits.core-dumps");

	private static Map<String, JsonNode> properties;

	@BeforeAll
	static void readMetadata() throws IOException {
		JsonNode metadata = null;
		for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				JsonNode candidate = JsonMapper.builder().build().readTree(in);
				if (candidate.path("groups")
					.valueStream()
					.anyMatch((g) -> g.get("name").asString().equals("ceramic"))) {
					assertThat(metadata).as("one metadata file with the ceramic group").isNull();
					metadata = candidate;
				}
			}
		}
		assertThat(metadata).as("the ceramic starter's metadata on the classpath").isNotNull();
		properties = new LinkedHashMap<>();
		metadata.get("properties").valueStream().forEach((p) -> properties.put(p.get("name").asString(), p));
	}

	@Test
	void everyPoolPropertyIsDescribedUnderCeramicDefaults() {
		for (String name : POOL_PROPERTIES) {
			assertThat(properties).containsKey("ceramic.defaults." + name);
			assertThat(description("ceramic.defaults." + name)).as(name).isNotBlank();
		}
		assertThat(properties.keySet()).filteredOn((name) -> name.startsWith("ceramic.defaults."))
			.hasSize(POOL_PROPERTIES.size());
	}

	@Test
	void poolsModeAndWaitForWorkersAreDescribed() {
		assertThat(description("ceramic.pools")).isNotBlank();
		assertThat(properties.get("ceramic.pools").get("type").asString())
			.isEqualTo("java.util.Map<java.lang.String," + PoolProperties.class.getName() + ">");
		assertThat(description("ceramic.mode")).contains("in-process");
		assertThat(properties.get("ceramic.mode").get("defaultValue").asString()).isEqualTo("out-of-process");
		assertThat(description("ceramic.wait-for-workers")).isNotBlank();
		assertThat(properties.get("ceramic.wait-for-workers").get("defaultValue").asBoolean()).isTrue();
	}

	@Test
	void theCeramicEndpointsShowDetailsIsDescribedAndNeverByDefault() {
		assertThat(description("management.endpoint.ceramic.show-details")).contains("standard error");
		assertThat(properties.get("management.endpoint.ceramic.show-details").get("type").asString())
			.isEqualTo("org.springframework.boot.actuate.endpoint.Show");
		assertThat(properties.get("management.endpoint.ceramic.show-details").get("defaultValue").asString())
			.isEqualTo("never");
		assertThat(description("management.endpoint.ceramic.roles")).isNotBlank();
	}

	@Test
	void additionalMetadataGivesMinWorkersItsDefault() {
		assertThat(properties.get("ceramic.defaults.min-workers").get("defaultValue").asInt()).isEqualTo(1);
	}

	@Test
	void everyDocumentedDefaultIsTheBuiltInDefault() {
		Map<String, Object> documented = documentedDefaults();
		assertThat(documented).hasSizeGreaterThanOrEqualTo(13);
		PoolProperties bound = bind(documented);
		List<String> fields = documented.keySet()
			.stream()
			.map((name) -> toCamelCase(name.substring("ceramic.defaults.".length())))
			.toList();
		assertThat(bound).usingRecursiveComparison()
			.comparingOnlyFields(fields.toArray(String[]::new))
			.isEqualTo(PoolProperties.builtInDefaults());
	}

	@Test
	void documentedDefaultsBuildCoresDefaultSettings() {
		WorkerPoolSettings documented = bind(documentedDefaults()).toSettings("pool").build();
		assertThat(documented).usingRecursiveComparison().isEqualTo(WorkerPoolSettings.builder("pool").build());
	}

	@Test
	void everyBuiltInDefaultWithAValueIsDocumented() {
		BeanWrapper defaults = new BeanWrapperImpl(PoolProperties.builtInDefaults());
		for (String name : POOL_PROPERTIES) {
			Object value = defaults.getPropertyValue(toCamelCase(name));
			boolean empty = value == null || (value instanceof Collection<?> c && c.isEmpty())
					|| (value instanceof Map<?, ?> m && m.isEmpty());
			assertThat(properties.get("ceramic.defaults." + name).has("defaultValue")).as(name).isEqualTo(!empty);
		}
	}

	private static Map<String, Object> documentedDefaults() {
		Map<String, Object> documented = new LinkedHashMap<>();
		properties.forEach((name, property) -> {
			if (name.startsWith("ceramic.defaults.") && property.has("defaultValue")) {
				documented.put(name, property.get("defaultValue").asString());
			}
		});
		return documented;
	}

	private static PoolProperties bind(Map<String, Object> documented) {
		return new Binder(new MapConfigurationPropertySource(documented)).bind("ceramic.defaults", PoolProperties.class)
			.get();
	}

	private static String description(String name) {
		JsonNode description = properties.get(name).get("description");
		return (description != null) ? description.asString() : null;
	}

	private static String toCamelCase(String kebab) {
		StringBuilder camel = new StringBuilder();
		boolean upper = false;
		for (char c : kebab.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				camel.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return camel.toString();
	}

}
