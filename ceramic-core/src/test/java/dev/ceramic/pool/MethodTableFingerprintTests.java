package dev.ceramic.pool;

import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.ceramic.channel.JsonCodec;
import dev.ceramic.test.pool.RuntimeCompiler;
import dev.ceramic.test.pool.Versioned;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fingerprint that worker and application compare in the handshake: the same for the
 * same method signatures, different when any signature differs. Each version of
 * {@link Versioned} is compiled and loaded here on its own.
 */
class MethodTableFingerprintTests {

	private static final JsonCodec codec = JsonCodec.defaults();

	@TempDir
	Path temp;

	@Test
	void theSameSignaturesLoadedSeparatelyHaveTheSameFingerprint() throws Exception {
		Class<?> copy = load("String describe(int level);");
		assertThat(copy).isNotSameAs(Versioned.class);
		assertThat(fingerprint(copy)).isEqualTo(fingerprint(Versioned.class));
	}

	@ParameterizedTest
	@ValueSource(strings = { "String describe(long level);", "Object describe(int level);",
			"String describe(int level, int depth);", "String explain(int level);",
			"String describe(int level);\n\tint size();", "" })
	void anyOtherSignatureChangesTheFingerprint(String methods) throws Exception {
		assertThat(fingerprint(load(methods))).isNotEqualTo(fingerprint(Versioned.class));
	}

	@Test
	void parameterNamesDoNotChangeTheFingerprint() throws Exception {
		assertThat(fingerprint(load("String describe(int detail);"))).isEqualTo(fingerprint(Versioned.class));
	}

	private Class<?> load(String methods) throws Exception {
		Path directory = Files.createTempDirectory(this.temp, "version");
		RuntimeCompiler.compile(directory, Versioned.class.getName(), Versioned.sourceWith(methods));
		URLClassLoader loader = RuntimeCompiler.loader(directory);
		return Class.forName(Versioned.class.getName(), false, loader);
	}

	private static String fingerprint(Class<?> serviceInterface) {
		return MethodTable.of(List.of(serviceInterface), codec).fingerprint();
	}

}
