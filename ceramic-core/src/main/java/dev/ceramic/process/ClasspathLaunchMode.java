package dev.ceramic.process;

import java.util.ArrayList;
import java.util.List;

/**
 * Starts the child with {@code java -cp <classpath> <main class>}.
 */
final class ClasspathLaunchMode implements LaunchMode {

	private final String classpath;

	ClasspathLaunchMode(String classpath) {
		if (classpath.isBlank()) {
			throw new IllegalArgumentException("The classpath for child JVMs is empty");
		}
		this.classpath = classpath;
	}

	@Override
	public List<String> command(String javaExecutable, List<String> jvmArguments, String mainClass,
			List<String> arguments) {
		List<String> command = new ArrayList<>();
		command.add(javaExecutable);
		command.addAll(jvmArguments);
		command.add("-cp");
		command.add(this.classpath);
		command.add(mainClass);
		command.addAll(arguments);
		return command;
	}

	String classpath() {
		return this.classpath;
	}

	@Override
	public String flatClasspath() {
		return this.classpath;
	}

	@Override
	public String describe() {
		return "flat classpath";
	}

}
