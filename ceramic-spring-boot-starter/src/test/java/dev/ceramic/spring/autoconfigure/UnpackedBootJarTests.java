package dev.ceramic.spring.autoconfigure;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

import dev.ceramic.process.LaunchMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unpacking an executable jar into the start-up cache, from real jar files laid out the
 * way Spring Boot's repackaging lays them out.
 */
class UnpackedBootJarTests {

	private static final byte[] MAIN_CLASS = "not really a class".getBytes(StandardCharsets.UTF_8);

	private static final byte[] PROPERTIES = "greeting=hello".getBytes(StandardCharsets.UTF_8);

	@TempDir
	Path temp;

	@Test
	void theApplicationsClassesComeFirstAndTheLibrariesFollowInTheClasspathIndexOrder() throws IOException {
		byte[] alpha = jar(Map.of("a/A.txt", bytes("alpha")));
		byte[] beta = jar(Map.of("b/B.txt", bytes("beta")));
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put("BOOT-INF/classes/", new byte[0]);
		entries.put("BOOT-INF/classes/com/example/Main.class", MAIN_CLASS);
		entries.put("BOOT-INF/classes/application.properties", PROPERTIES);
		entries.put("BOOT-INF/lib/alpha.jar", alpha);
		entries.put("BOOT-INF/lib/beta.jar", beta);
		entries.put("BOOT-INF/classpath.idx", bytes("- \"BOOT-INF/lib/beta.jar\"\n- \"BOOT-INF/lib/alpha.jar\"\n"));
		Path app = write("app.jar", entries);

		List<Path> classpath = paths(UnpackedBootJar.classpath(app, this.temp.resolve("cache")));

		assertThat(classpath).extracting((path) -> path.getFileName().toString())
			.containsExactly(UnpackedBootJar.APPLICATION_JAR, "beta.jar", "alpha.jar");
		try (JarFile application = new JarFile(classpath.get(0).toFile())) {
			assertThat(application.getInputStream(application.getJarEntry("com/example/Main.class")).readAllBytes())
				.isEqualTo(MAIN_CLASS);
			assertThat(application.getInputStream(application.getJarEntry("application.properties")).readAllBytes())
				.isEqualTo(PROPERTIES);
			assertThat(application.stream().map(JarEntry::getName)).noneMatch((name) -> name.startsWith("BOOT-INF"));
		}
		assertThat(Files.readAllBytes(classpath.get(1))).isEqualTo(beta);
		assertThat(Files.readAllBytes(classpath.get(2))).isEqualTo(alpha);
	}

	@Test
	void withoutAClasspathIndexEveryNestedJarIsOnTheClasspath() throws IOException {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put("BOOT-INF/classes/com/example/Main.class", MAIN_CLASS);
		entries.put("BOOT-INF/lib/one.jar", jar(Map.of("one.txt", bytes("1"))));
		entries.put("BOOT-INF/lib/two.jar", jar(Map.of("two.txt", bytes("2"))));
		entries.put("BOOT-INF/lib/notes.txt", bytes("not a jar"));
		Path app = write("app.jar", entries);

		assertThat(paths(UnpackedBootJar.classpath(app, this.temp.resolve("cache"))))
			.extracting((path) -> path.getFileName().toString())
			.containsExactly(UnpackedBootJar.APPLICATION_JAR, "one.jar", "two.jar");
	}

	@Test
	void theSameJarIsUnpackedOnceAndAChangedOneAgain() throws IOException {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put("BOOT-INF/classes/com/example/Main.class", MAIN_CLASS);
		Path app = write("app.jar", entries);
		Path cache = this.temp.resolve("cache");
		String first = UnpackedBootJar.classpath(app, cache);
		Path unpacked = paths(first).get(0);
		FileTime written = Files.getLastModifiedTime(unpacked);

		assertThat(UnpackedBootJar.classpath(app, cache)).isEqualTo(first);
		assertThat(Files.getLastModifiedTime(unpacked)).isEqualTo(written);

		entries.put("BOOT-INF/classes/application.properties", PROPERTIES);
		write("app.jar", entries);
		Files.setLastModifiedTime(app, FileTime.fromMillis(written.toMillis() + 5000));
		String second = UnpackedBootJar.classpath(app, cache);
		assertThat(second).isNotEqualTo(first);
		try (JarFile application = new JarFile(paths(second).get(0).toFile())) {
			assertThat(application.getJarEntry("application.properties")).isNotNull();
		}
	}

	@Test
	void aFileThatIsNotAJarGivesNoClasspath() throws IOException {
		Path broken = Files.write(this.temp.resolve("broken.jar"), bytes("not a zip"));
		assertThat(UnpackedBootJar.classpath(broken, this.temp.resolve("cache"))).isNull();
	}

	@Test
	void workersOfAFlatBootJarStartFromItsClasspathAndSayWhereItWasUnpacked() throws IOException {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put("BOOT-INF/classes/com/example/Main.class", MAIN_CLASS);
		Path app = write("app.jar", entries);
		String classpath = UnpackedBootJar.classpath(app, this.temp.resolve("cache"));
		LaunchMode mode = SpringBootLaunchModes.flatBootJar(app, classpath);

		List<String> command = mode.command("/usr/bin/java", List.of("-Xmx64m"), "com.example.Worker", List.of("--x"));

		assertThat(command).containsSubsequence("/usr/bin/java", "-Xmx64m", classpath, "com.example.Worker", "--x");
		assertThat(mode.flatClasspath()).isEqualTo(classpath);
		assertThat(mode.describe()).contains(app.toString()).contains(paths(classpath).get(0).getParent().toString());
	}

	private Path write(String name, Map<String, byte[]> entries) throws IOException {
		Path file = this.temp.resolve(name);
		Files.write(file, jar(entries));
		return file;
	}

	private static byte[] jar(Map<String, byte[]> entries) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (OutputStream out = bytes; JarOutputStream jar = new JarOutputStream(out)) {
			for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
				jar.putNextEntry(new JarEntry(entry.getKey()));
				jar.write(entry.getValue());
				jar.closeEntry();
			}
		}
		return bytes.toByteArray();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static List<Path> paths(String classpath) {
		assertThat(classpath).isNotNull();
		return Arrays.stream(classpath.split(File.pathSeparator)).map(Path::of).toList();
	}

}
