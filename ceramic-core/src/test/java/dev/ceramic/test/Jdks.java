package dev.ceramic.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a Java installation of at least some feature version on this machine: the running
 * one, one named by a {@code JAVA_HOME_<version>} variable (as CI images set them, e.g.
 * {@code JAVA_HOME_21_X64}), or one under {@code /usr/lib/jvm}.
 */
public final class Jdks {

	public static final Path SYSTEM_JVMS = Path.of("/usr/lib/jvm");

	private static final Pattern VERSIONED_HOME = Pattern.compile("JAVA_HOME_(\\d+)(_.*)?");

	private Jdks() {
	}

	/**
	 * Return the {@code java} executable of the newest installation of at least
	 * {@code feature}.
	 * @param feature the least feature version
	 * @return the executable, or empty when there is none
	 */
	public static Optional<Path> java(int feature) {
		if (Runtime.version().feature() >= feature) {
			return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
		}
		List<Path> homes = new ArrayList<>();
		for (Map.Entry<String, String> variable : System.getenv().entrySet()) {
			Matcher matcher = VERSIONED_HOME.matcher(variable.getKey());
			if (matcher.matches() && !variable.getValue().isBlank()) {
				homes.add(Path.of(variable.getValue()));
			}
		}
		if (Files.isDirectory(SYSTEM_JVMS)) {
			try (Stream<Path> entries = Files.list(SYSTEM_JVMS)) {
				entries.forEach(homes::add);
			}
			catch (IOException ex) {
				// Nothing found there, then.
			}
		}
		return homes.stream()
			.filter((home) -> Files.isExecutable(home.resolve("bin/java")))
			.filter((home) -> featureVersion(home) >= feature)
			.max(Comparator.comparingInt(Jdks::featureVersion))
			.map((home) -> home.resolve("bin/java"));
	}

	/**
	 * Return the feature version from a Java home's {@code release} file, or 0.
	 */
	static int featureVersion(Path home) {
		try {
			for (String line : Files.readAllLines(home.resolve("release"))) {
				if (line.startsWith("JAVA_VERSION=")) {
					return Runtime.Version.parse(line.substring("JAVA_VERSION=".length()).replace("\"", "")).feature();
				}
			}
		}
		catch (IOException | IllegalArgumentException ex) {
			// Not a Java home we can read.
		}
		return 0;
	}

}
