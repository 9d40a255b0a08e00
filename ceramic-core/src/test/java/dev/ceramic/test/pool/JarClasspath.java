package dev.ceramic.test.pool;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * This JVM's classpath with each directory packed into a jar, as class-data archives need
 * it: they refuse directories.
 */
public final class JarClasspath {

	private JarClasspath() {
	}

	/**
	 * Pack the directories of {@code java.class.path} into jars in a directory.
	 * @param directory where the jars go
	 * @return the classpath of jars, in the same order
	 */
	public static String of(Path directory) {
		List<String> entries = new ArrayList<>();
		int packed = 0;
		for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
			Path path = Path.of(entry).toAbsolutePath();
			if (Files.isDirectory(path)) {
				Path jar = directory.resolve("packed-" + (packed++) + ".jar");
				pack(path, jar);
				entries.add(jar.toString());
			}
			else if (entry.endsWith(".jar")) {
				entries.add(path.toString());
			}
		}
		return String.join(File.pathSeparator, entries);
	}

	private static void pack(Path root, Path jar) {
		try (OutputStream out = Files.newOutputStream(jar);
				JarOutputStream jarOut = new JarOutputStream(out);
				Stream<Path> files = Files.walk(root)) {
			for (Path file : (Iterable<Path>) files.sorted()::iterator) {
				if (Files.isRegularFile(file)) {
					jarOut
						.putNextEntry(new JarEntry(root.relativize(file).toString().replace(File.separatorChar, '/')));
					Files.copy(file, jarOut);
					jarOut.closeEntry();
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
