package dev.ceramic.spring.autoconfigure;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

import dev.ceramic.process.StartupCacheEntry;
import org.jspecify.annotations.Nullable;

/**
 * An executable Spring Boot jar unpacked into plain jars, once per jar (by its path, size
 * and modification time) into the start-up cache, the layout that
 * {@code java -Djarmode=tools -jar app.jar extract} makes: each {@code BOOT-INF/lib} jar
 * as a file, and {@code BOOT-INF/classes} packed into one jar. Workers started from it
 * load classes as from any classpath of jars, which is quicker than through the
 * nested-jar launcher, and which a class-data archive can hold.
 */
final class UnpackedBootJar {

	static final String APPLICATION_JAR = "application.jar";

	private static final String CLASSES = "BOOT-INF/classes/";

	private static final String LIB = "BOOT-INF/lib/";

	private static final String CLASSPATH_INDEX = "BOOT-INF/classpath.idx";

	private static final String CLASSPATH_FILE = "classpath";

	private UnpackedBootJar() {
	}

	/**
	 * Return the classpath of the jar unpacked, unpacking it first when needed.
	 * @param jar the executable jar
	 * @param cacheDirectory the start-up cache's directory, or {@code null} for the
	 * default
	 * @return the classpath: the application's classes first, then the libraries in the
	 * jar's classpath index order; or {@code null} when it cannot be unpacked
	 */
	static @Nullable String classpath(Path jar, @Nullable Path cacheDirectory) {
		File file = jar.toFile();
		String key = "spring boot jar 1\n" + jar.toAbsolutePath() + "\n" + file.length() + "\n" + file.lastModified();
		Path directory = StartupCacheEntry.obtain(cacheDirectory, key, (target) -> unpack(jar, target));
		if (directory == null) {
			return null;
		}
		try {
			List<String> entries = new ArrayList<>();
			for (String line : Files.readAllLines(directory.resolve(CLASSPATH_FILE))) {
				entries.add(directory.resolve(line).toString());
			}
			return String.join(File.pathSeparator, entries);
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static void unpack(Path jar, Path target) throws IOException {
		List<String> classpath = new ArrayList<>();
		classpath.add(APPLICATION_JAR);
		Path lib = Files.createDirectory(target.resolve("lib"));
		try (JarFile archive = new JarFile(jar.toFile())) {
			try (OutputStream out = Files.newOutputStream(target.resolve(APPLICATION_JAR));
					JarOutputStream application = new JarOutputStream(out)) {
				Enumeration<JarEntry> entries = archive.entries();
				while (entries.hasMoreElements()) {
					JarEntry entry = entries.nextElement();
					String name = entry.getName();
					if (name.startsWith(CLASSES) && name.length() > CLASSES.length()) {
						application.putNextEntry(new JarEntry(name.substring(CLASSES.length())));
						if (!entry.isDirectory()) {
							try (InputStream in = archive.getInputStream(entry)) {
								in.transferTo(application);
							}
						}
						application.closeEntry();
					}
				}
			}
			for (String name : libraries(archive)) {
				JarEntry entry = archive.getJarEntry(name);
				String fileName = name.substring(LIB.length());
				if (entry == null || fileName.isEmpty() || fileName.contains("/")) {
					continue;
				}
				try (InputStream in = archive.getInputStream(entry)) {
					Files.copy(in, lib.resolve(fileName));
				}
				classpath.add("lib/" + fileName);
			}
		}
		Files.write(target.resolve(CLASSPATH_FILE), classpath, StandardCharsets.UTF_8);
	}

	/** The nested libraries, in the order of the classpath index when there is one. */
	private static List<String> libraries(JarFile archive) throws IOException {
		List<String> libraries = new ArrayList<>();
		JarEntry index = archive.getJarEntry(CLASSPATH_INDEX);
		if (index != null) {
			try (InputStream in = archive.getInputStream(index)) {
				for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
					String trimmed = line.trim();
					if (trimmed.startsWith("- ")) {
						libraries.add(trimmed.substring(2).replace("\"", ""));
					}
				}
			}
			return libraries;
		}
		Enumeration<JarEntry> entries = archive.entries();
		while (entries.hasMoreElements()) {
			String name = entries.nextElement().getName();
			if (name.startsWith(LIB) && name.endsWith(".jar")) {
				libraries.add(name);
			}
		}
		return libraries;
	}

}
