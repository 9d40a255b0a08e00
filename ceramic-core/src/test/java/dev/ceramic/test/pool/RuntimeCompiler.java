package dev.ceramic.test.pool;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles another version of a test class at run time, with the JDK's compiler, so that
 * tests can give a worker (or a class loader) a class that differs from the one the
 * application has.
 */
public final class RuntimeCompiler {

	private RuntimeCompiler() {
	}

	/**
	 * Compile one source file into a directory of its own.
	 * @param directory an empty directory for the sources and classes
	 * @param className the class's binary name
	 * @param source its source
	 * @return the directory, now holding the class
	 */
	public static Path compile(Path directory, String className, String source) {
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		if (compiler == null) {
			throw new IllegalStateException("These tests need a JDK with javax.tools, not a JRE");
		}
		try {
			Path file = directory.resolve("src").resolve(className.replace('.', '/') + ".java");
			Files.createDirectories(file.getParent());
			Files.writeString(file, source);
			StringWriter output = new StringWriter();
			boolean compiled = compiler
				.getTask(output, null, null, List.of("-d", directory.toString(), "--release", "17"), null,
						compiler.getStandardFileManager(null, null, null).getJavaFileObjects(file))
				.call();
			if (!compiled) {
				throw new IllegalStateException("Could not compile " + className + ":\n" + output);
			}
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return a class loader that finds classes in a directory first, and otherwise only
	 * the JDK's classes.
	 * @param directory the directory
	 * @return the class loader
	 */
	public static URLClassLoader loader(Path directory) {
		try {
			return new URLClassLoader(new URL[] { directory.toUri().toURL() }, ClassLoader.getPlatformClassLoader());
		}
		catch (MalformedURLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
