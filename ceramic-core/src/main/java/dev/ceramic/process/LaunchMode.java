package dev.ceramic.process;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * How the command line of a child JVM is built, so that the child can find the same
 * classes as the parent however the parent was started: from a flat classpath (IDE, build
 * tool, tests), from an executable jar ({@code java -jar app.jar}, where the child has to
 * go through the jar's own launcher), or from an extracted jar.
 */
public interface LaunchMode {

	/**
	 * Build the command line.
	 * @param javaExecutable the {@code java} executable
	 * @param jvmArguments the options for the JVM, system properties included
	 * @param mainClass the class whose {@code main} the child runs
	 * @param arguments the arguments of {@code main}
	 * @return the command line
	 */
	List<String> command(String javaExecutable, List<String> jvmArguments, String mainClass, List<String> arguments);

	/**
	 * Return a human-readable description for logs and errors.
	 * @return the description
	 */
	String describe();

	/**
	 * Return the classpath the child's {@code -cp} gets when this mode runs the main
	 * class straight from it, which is when class-data archives can apply; {@code null}
	 * when a launcher of its own finds the classes.
	 * @return the classpath, entries separated by the platform's path separator, or
	 * {@code null}
	 */
	default @Nullable String flatClasspath() {
		return null;
	}

	/**
	 * Return the launch mode for a flat classpath.
	 * @param classpath the classpath, entries separated by the platform's path separator
	 * @return the launch mode
	 */
	static LaunchMode classpath(String classpath) {
		return new ClasspathLaunchMode(classpath);
	}

	/**
	 * Return the launch mode that gives the child this JVM's own classpath
	 * ({@code java.class.path}), each entry made absolute.
	 * @return the launch mode
	 */
	static LaunchMode currentClasspath() {
		// Absolute entries, so that a child with another working directory finds them
		// too.
		String[] entries = System.getProperty("java.class.path").split(java.io.File.pathSeparator);
		return classpath(java.util.Arrays.stream(entries)
			.filter((entry) -> !entry.isEmpty())
			.map((entry) -> java.nio.file.Path.of(entry).toAbsolutePath().toString())
			.collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
	}

}
