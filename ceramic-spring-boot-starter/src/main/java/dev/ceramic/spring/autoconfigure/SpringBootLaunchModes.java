package dev.ceramic.spring.autoconfigure;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import dev.ceramic.process.LaunchMode;

/**
 * Chooses how worker JVMs are started from how the application itself was started.
 *
 * <ul>
 * <li>Flat classpath (IDE, {@code spring-boot:run}, tests) and extracted jar
 * ({@code java -jar app/app.jar} after {@code -Djarmode=tools extract}, whose manifest
 * lists its libraries): the worker gets the same {@code java.class.path}.</li>
 * <li>Executable jar ({@code java -jar app.jar}): the application's classes are nested
 * inside the jar, so the worker is started through the jar's own
 * {@code PropertiesLauncher} with {@code loader.main} set to the worker's main
 * class.</li>
 * </ul>
 */
final class SpringBootLaunchModes {

	static final String PROPERTIES_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

	private SpringBootLaunchModes() {
	}

	static LaunchMode detect(ClassLoader applicationClassLoader) {
		String classpath = System.getProperty("java.class.path", "");
		boolean nestedJar = applicationClassLoader.getClass().getName().startsWith("org.springframework.boot.loader.");
		if (nestedJar && !classpath.contains(File.pathSeparator) && classpath.endsWith(".jar")) {
			return new ExecutableJar(classpath);
		}
		return LaunchMode.currentClasspath();
	}

	/**
	 * {@code java -Dloader.main=<main> -cp app.jar PropertiesLauncher}.
	 */
	static final class ExecutableJar implements LaunchMode {

		private final String jar;

		ExecutableJar(String jar) {
			this.jar = jar;
		}

		@Override
		public List<String> command(String javaExecutable, List<String> jvmArguments, String mainClass,
				List<String> arguments) {
			List<String> command = new ArrayList<>();
			command.add(javaExecutable);
			command.addAll(jvmArguments);
			command.add("-Dloader.main=" + mainClass);
			command.add("-cp");
			command.add(this.jar);
			command.add(PROPERTIES_LAUNCHER);
			command.addAll(arguments);
			return command;
		}

		@Override
		public String describe() {
			return "executable jar " + this.jar;
		}

	}

}
