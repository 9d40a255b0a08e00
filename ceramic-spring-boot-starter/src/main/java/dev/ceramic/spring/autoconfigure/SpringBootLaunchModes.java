package dev.ceramic.spring.autoconfigure;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import dev.ceramic.process.LaunchMode;
import org.jspecify.annotations.Nullable;

/**
 * Chooses how worker JVMs are started from how the application itself was started.
 *
 * <ul>
 * <li>Flat classpath (IDE, {@code spring-boot:run}, tests): the worker gets the same
 * {@code java.class.path}.</li>
 * <li>Extracted jar ({@code java -jar app/app.jar} after
 * {@code java -Djarmode=tools -jar app.jar extract}): the classpath is that one jar,
 * whose manifest's {@code Class-Path} names the libraries; the worker gets it too.</li>
 * <li>Executable jar ({@code java -jar app.jar}): unpacked once into the start-up cache
 * (its {@code BOOT-INF/lib} jars as files, {@code BOOT-INF/classes} packed into one jar),
 * and workers start from that flat classpath of jars. With the cache off, or a
 * {@code loader.*} setting of the application's own, as the next item.</li>
 * <li>Executable jar with the cache off, or a jar exploded with its launcher
 * ({@code extract --launcher}, then {@code java ...JarLauncher}): the application's
 * classes are nested in {@code BOOT-INF}, where no {@code -cp} reaches them, so the
 * worker is started through the archive's own {@code PropertiesLauncher} with
 * {@code loader.main} set to the worker's main class.</li>
 * </ul>
 * Paths are made absolute, so that a pool's {@code working-directory} does not change
 * what the worker finds.
 */
final class SpringBootLaunchModes {

	static final String PROPERTIES_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

	private static final String LOADER_PACKAGE = "org.springframework.boot.loader.";

	private SpringBootLaunchModes() {
	}

	static LaunchMode detect(ClassLoader applicationClassLoader, CeramicProperties.StartupCache cache) {
		String classpath = absolute(System.getProperty("java.class.path", ""));
		if (isLoadedByBootLoader(applicationClassLoader)) {
			Path archive = bootArchive();
			if (archive != null) {
				Map<String, String> loaderProperties = forwardedLoaderProperties();
				if (cache.isEnabled() && Files.isRegularFile(archive)
						&& loaderProperties.keySet().equals(Set.of("loader.home"))) {
					String unpacked = UnpackedBootJar.classpath(archive, cache.getDirectory());
					if (unpacked != null) {
						return flatBootJar(archive, unpacked);
					}
				}
				String archiveClasspath = Arrays.asList(classpath.split(File.pathSeparator))
					.contains(archive.toString()) ? classpath : archive.toString();
				return new BootArchive(archive, archiveClasspath, loaderProperties);
			}
		}
		if (!classpath.contains(File.pathSeparator) && classpath.endsWith(".jar")
				&& hasClassPathManifestAttribute(Path.of(classpath))) {
			return extractedJar(classpath);
		}
		return LaunchMode.classpath(classpath);
	}

	private static boolean isLoadedByBootLoader(@Nullable ClassLoader loader) {
		for (ClassLoader candidate = loader; candidate != null; candidate = candidate.getParent()) {
			if (candidate.getClass().getName().startsWith(LOADER_PACKAGE)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return the jar or directory that holds Spring Boot's launcher classes: the
	 * application's archive.
	 */
	private static @Nullable Path bootArchive() {
		try {
			Class<?> launcher = Class.forName(PROPERTIES_LAUNCHER, false, ClassLoader.getSystemClassLoader());
			CodeSource source = launcher.getProtectionDomain().getCodeSource();
			URL location = (source != null) ? source.getLocation() : null;
			if (location == null || !"file".equals(location.getProtocol())) {
				return null;
			}
			return Path.of(location.toURI()).toAbsolutePath();
		}
		catch (ClassNotFoundException | URISyntaxException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * The {@code loader.*} settings the application was started with, so that a worker
	 * sees the same {@code loader.path}, and {@code loader.home} (which relative paths
	 * and {@code loader.properties} are found from) is the application's even when the
	 * worker runs in another directory. {@code loader.main} and {@code loader.args} are
	 * the worker's own.
	 */
	private static Map<String, String> forwardedLoaderProperties() {
		Map<String, String> properties = new TreeMap<>();
		for (String name : System.getProperties().stringPropertyNames()) {
			if (name.startsWith("loader.") && !name.equals("loader.main") && !name.equals("loader.args")) {
				properties.put(name, System.getProperty(name));
			}
		}
		properties.putIfAbsent("loader.home", System.getProperty("user.dir"));
		return properties;
	}

	private static boolean hasClassPathManifestAttribute(Path jar) {
		if (!Files.isRegularFile(jar)) {
			return false;
		}
		try (JarFile file = new JarFile(jar.toFile())) {
			Manifest manifest = file.getManifest();
			return manifest != null && manifest.getMainAttributes().getValue("Class-Path") != null;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static String absolute(String classpath) {
		if (classpath.isEmpty()) {
			return classpath;
		}
		return Arrays.stream(classpath.split(File.pathSeparator, -1))
			.map((entry) -> entry.isEmpty() ? entry : Path.of(entry).toAbsolutePath().normalize().toString())
			.collect(Collectors.joining(File.pathSeparator));
	}

	/**
	 * {@code java -jar app.jar} or an exploded archive:
	 * {@code java -Dloader.main=<main> -cp <archive> PropertiesLauncher}.
	 */
	static final class BootArchive implements LaunchMode {

		private final Path archive;

		private final LaunchMode classpath;

		private final Map<String, String> loaderProperties;

		BootArchive(Path archive, String classpath, Map<String, String> loaderProperties) {
			this.archive = archive;
			this.classpath = LaunchMode.classpath(classpath);
			this.loaderProperties = loaderProperties;
		}

		/**
		 * Core's {@code -cp} command line, so that its layout is kept in one place: the
		 * {@code loader.*} settings go after the JVM arguments, and the main class is the
		 * launcher.
		 */
		@Override
		public List<String> command(String javaExecutable, List<String> jvmArguments, String mainClass,
				List<String> arguments) {
			List<String> launcherJvmArguments = new ArrayList<>(jvmArguments);
			this.loaderProperties.forEach((name, value) -> launcherJvmArguments.add("-D" + name + "=" + value));
			launcherJvmArguments.add("-Dloader.main=" + mainClass);
			return this.classpath.command(javaExecutable, launcherJvmArguments, PROPERTIES_LAUNCHER, arguments);
		}

		@Override
		public String describe() {
			return (Files.isDirectory(this.archive) ? "exploded jar " : "executable jar ") + this.archive
					+ " through PropertiesLauncher";
		}

	}

	/**
	 * {@code java -jar app.jar}, with workers started from the jar unpacked once into the
	 * start-up cache ({@link UnpackedBootJar}): {@code java -cp <application.jar:lib/...>
	 * <main>}, so that class loading skips the nested-jar launcher and a class-data
	 * archive applies.
	 * @param archive the executable jar
	 * @param classpath the jar unpacked
	 * @return the launch mode
	 */
	static LaunchMode flatBootJar(Path archive, String classpath) {
		Path directory = Path.of(classpath.split(File.pathSeparator, 2)[0]).getParent();
		return new DescribedClasspath(classpath,
				"executable jar " + archive + ", unpacked to a flat classpath in " + directory);
	}

	/**
	 * An extracted jar: {@code java -cp app.jar <main>}, the libraries coming from the
	 * jar's {@code Class-Path}.
	 * @param jar the extracted application jar
	 * @return the launch mode
	 */
	static LaunchMode extractedJar(String jar) {
		return new DescribedClasspath(jar, "extracted jar " + jar + " (libraries from its manifest's Class-Path)");
	}

	/** A plain classpath of jars that says where it came from. */
	private static final class DescribedClasspath implements LaunchMode {

		private final String classpath;

		private final String description;

		private final LaunchMode launch;

		DescribedClasspath(String classpath, String description) {
			this.classpath = classpath;
			this.description = description;
			this.launch = LaunchMode.classpath(classpath);
		}

		@Override
		public List<String> command(String javaExecutable, List<String> jvmArguments, String mainClass,
				List<String> arguments) {
			return this.launch.command(javaExecutable, jvmArguments, mainClass, arguments);
		}

		@Override
		public String flatClasspath() {
			return this.classpath;
		}

		@Override
		public String describe() {
			return this.description;
		}

	}

}
