package dev.ceramic.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the configuration metadata lets an IDE complete and document
 * {@code ceramic.pools.<name>.*} as Spring Boot's own maps of groups
 * ({@code management.endpoint.health.group.<name>.*}) are: the map's entry names a public
 * value type whose keys the IDE reads, and every key of that type is described, once,
 * under {@code ceramic.defaults}. The keys come from {@link PoolKeys}, by reflection, so
 * a new property is covered the moment it exists.
 */
class PoolMetadataTests {

	private static final Map<String, JsonNode> properties = new LinkedHashMap<>();

	@BeforeAll
	static void readEveryMetadataFile() throws IOException {
		for (URL url : Collections.list(
				PoolMetadataTests.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				JsonMapper.builder()
					.build()
					.readTree(in)
					.path("properties")
					.valueStream()
					.forEach((p) -> properties.put(p.get("name").asString(), p));
			}
		}
	}

	@Test
	void poolsAreAMapOfTheSameTypeAsSpringBootsOwnMapsOfGroups() {
		JsonNode health = properties.get("management.endpoint.health.group");
		assertThat(health).as("Spring Boot's own map of groups").isNotNull();
		assertThat(health.get("type").asString()).startsWith("java.util.Map<java.lang.String,");
		JsonNode pools = properties.get("ceramic.pools");
		assertThat(pools.get("type").asString())
			.isEqualTo("java.util.Map<java.lang.String," + PoolProperties.class.getName() + ">");
		assertThat(pools.get("description").asString()).contains("ceramic.defaults")
			.contains("ceramic.pools.<name>.max-workers");
	}

	@Test
	void everyPoolKeyIsDescribedUnderCeramicDefaults() {
		assertThat(PoolKeys.ofPools().allNames("")).contains("max-workers", "limits.data-size").allSatisfy((key) -> {
			JsonNode property = properties.get("ceramic.defaults." + key);
			assertThat(property).as(key).isNotNull();
			assertThat(property.path("description").asString()).as(key).isNotBlank();
		});
		assertThat(properties.get("ceramic.defaults.max-workers").get("description").asString())
			.isEqualTo("Maximum number of workers the pool grows to under load.");
	}

}
