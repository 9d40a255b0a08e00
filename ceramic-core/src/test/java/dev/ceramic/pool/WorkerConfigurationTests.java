package dev.ceramic.pool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.ceramic.channel.JsonCodec;
import dev.ceramic.test.pool.ArgumentsFactory;
import dev.ceramic.test.pool.ConfiguredService;
import dev.ceramic.test.pool.TestPools;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A worker's configuration (its services, factory, system properties and arguments)
 * reaches it over its channel: every local user can read a process's command line, so
 * nothing secret may be on it.
 */
class WorkerConfigurationTests {

	private static final String SECRET = "hunter2-" + ProcessHandle.current().pid();

	@Test
	void systemPropertiesAndArgumentsReachTheWorkerButNotItsCommandLineOrEnvironment() throws IOException {
		List<String> arguments = List.of("--spring.datasource.password=" + SECRET, "", "last", "", "");
		WorkerPoolSettings settings = TestPools.settings("configured")
			.serviceFactory(ArgumentsFactory.class)
			.systemProperties(Map.of("ceramic.test.secret", SECRET))
			.arguments(arguments)
			.build();
		try (WorkerPool pool = WorkerPool.builder(settings)
			.service(ConfiguredService.class, ArgumentsFactory.Configured.class)
			.build()) {
			pool.start();
			ConfiguredService service = pool.proxy(ConfiguredService.class);
			assertThat(service.systemProperty("ceramic.test.secret")).isEqualTo(SECRET);
			// Trailing empty arguments are arguments too.
			assertThat(service.arguments()).isEqualTo(arguments);
			Path process = Path.of("/proc", Long.toString(service.pid()));
			String commandLine = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
			assertThat(commandLine).contains("-D" + WorkerMain.POOL_PROPERTY + "=configured")
				.doesNotContain(SECRET)
				.doesNotContain("ceramic.test.secret")
				.doesNotContain(ArgumentsFactory.class.getName());
			String environment = new String(Files.readAllBytes(process.resolve("environ")), StandardCharsets.UTF_8);
			assertThat(environment).doesNotContain(SECRET);
		}
	}

	@Test
	void aConfigurationOfAnotherProtocolVersionIsRefusedWithTheReason() {
		Protocol.Configuration foreign = new Protocol.Configuration(Protocol.VERSION + 1, "pool", List.of(),
				ReflectiveServiceFactory.class.getName(), 8, "/nonexistent", Map.of(), List.of(), 1L, 1L);
		JsonCodec codec = JsonCodec.defaults();
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> Protocol.readConfiguration(Protocol.configure(foreign, codec), codec))
			.withMessageContaining("protocol version " + (Protocol.VERSION + 1))
			.withMessageContaining("another version of ceramic");
	}

	@Test
	void aConfigurationWithoutItsFieldsIsRefused() {
		JsonCodec codec = JsonCodec.defaults();
		byte[] partial = Protocol.json(Protocol.CONFIGURE, codec,
				Map.of("protocol", Protocol.VERSION, "maxNestingDepth", 8));
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> Protocol.readConfiguration(partial, codec))
			.withMessageContaining("without all of its fields");
	}

}
