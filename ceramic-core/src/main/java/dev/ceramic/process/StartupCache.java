package dev.ceramic.process;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.newsclub.net.unix.AFSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up work that child JVMs share instead of each doing it again
 * ({@link ProcOptions.Builder#startupCache(boolean)}). Measured on a 2-CPU machine, this
 * removes about a sixth of a child's start-up:
 *
 * <ul>
 * <li>Extracting junixsocket's native library from its jar to a temporary file, loading
 * it and deleting it again, in every child. The parent extracts it once and children load
 * it with junixsocket's {@code org.newsclub.net.unix.library.override}. The override is
 * not forced, so a child that cannot load it falls back to extracting its own copy.</li>
 * </ul>
 *
 * The library lives in one directory per parent JVM, created with owner-only permissions
 * (so that no other user can swap the library) and deleted when the parent exits;
 * directories left behind by parents that were killed are deleted on the next start.
 */
final class StartupCache {

	static final String LIBRARY_OVERRIDE = "org.newsclub.net.unix.library.override";

	private static final String DIRECTORY_PREFIX = "ceramic-startup-";

	private static final Logger logger = LoggerFactory.getLogger(StartupCache.class);

	private static final Object lock = new Object();

	// Guarded by lock.

	private static @Nullable Path directory;

	private static boolean libraryLookedUp;

	private static @Nullable Path library;

	private StartupCache() {
	}

	/**
	 * Return the JVM options that let a child reuse what is cached, and start caching
	 * what is not yet.
	 * @param options the child's options
	 * @return the options to add before the caller's own
	 */
	static List<String> jvmArguments(ProcOptions options) {
		if (!options.startupCache()) {
			return List.of();
		}
		List<String> arguments = new ArrayList<>(1);
		if (!setsLibrary(options)) {
			Path library = library();
			if (library != null) {
				arguments.add("-D" + LIBRARY_OVERRIDE + "=" + library);
			}
		}
		return arguments;
	}

	private static boolean setsLibrary(ProcOptions options) {
		return options.systemProperties().keySet().stream().anyMatch((key) -> key.startsWith(LIBRARY_OVERRIDE))
				|| options.jvmArguments().stream().anyMatch((argument) -> argument.startsWith("-D" + LIBRARY_OVERRIDE));
	}

	/** The native library this JVM's junixsocket loaded, as a file children can load. */
	private static @Nullable Path library() {
		synchronized (lock) {
			if (!libraryLookedUp) {
				libraryLookedUp = true;
				try {
					library = extractLibrary();
				}
				catch (IOException | RuntimeException ex) {
					logger.debug("Children will extract junixsocket's native library themselves", ex);
				}
			}
			return library;
		}
	}

	private static @Nullable Path extractLibrary() throws IOException {
		String override = System.getProperty(LIBRARY_OVERRIDE, "");
		if (!override.isEmpty()) {
			Path path = Path.of(override);
			return (path.isAbsolute() && Files.isRegularFile(path)) ? path : null;
		}
		// For example "junixsocket-native-common/junixsocket-native-2.11.1"; junixsocket
		// deletes the file it loaded, so extract the same resource again.
		String loaded = AFSocket.getLoadedLibrary();
		if (loaded == null || loaded.indexOf('/') < 0) {
			return null;
		}
		String fileName = System.mapLibraryName(loaded.substring(loaded.lastIndexOf('/') + 1));
		String platform = sanitize(System.getProperty("os.arch", "")) + "-"
				+ sanitize(System.getProperty("os.name", ""));
		ClassLoader loader = Objects.requireNonNullElse(AFSocket.class.getClassLoader(),
				ClassLoader.getSystemClassLoader());
		for (String compiler : List.of("clang", "gcc")) {
			URL resource = loader.getResource("lib/" + platform + "-" + compiler + "/jni/" + fileName);
			if (resource != null) {
				Path target = directory().resolve(fileName);
				try (InputStream in = resource.openStream()) {
					Files.copy(in, target);
				}
				logger.debug("Children load junixsocket's native library from {}", target);
				return target;
			}
		}
		return null;
	}

	/** The way junixsocket names platforms in its resource paths. */
	private static String sanitize(String property) {
		return property.replaceAll("[ /\\\\'\";:$]", "");
	}

	/** This parent's directory, created on first use. Called with the lock held. */
	private static Path directory() throws IOException {
		Path current = directory;
		if (current == null) {
			deleteAbandonedDirectories();
			current = Files.createTempDirectory(DIRECTORY_PREFIX + ProcessHandle.current().pid() + "-");
			Path created = current;
			Runtime.getRuntime()
				.addShutdownHook(new Thread(() -> deleteRecursively(created), "ceramic-startup-cache-cleanup"));
			directory = current;
		}
		return current;
	}

	/** Delete the directories of parents that died without their shutdown hooks. */
	private static void deleteAbandonedDirectories() {
		Path temp = Path.of(System.getProperty("java.io.tmpdir"));
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(temp, DIRECTORY_PREFIX + "*")) {
			for (Path entry : entries) {
				String rest = entry.getFileName().toString().substring(DIRECTORY_PREFIX.length());
				int dash = rest.indexOf('-');
				if (dash > 0 && ProcessHandle.of(Long.parseLong(rest.substring(0, dash))).isEmpty()) {
					deleteRecursively(entry);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Best effort: another user's directory, or not ours at all.
		}
	}

	private static void deleteRecursively(Path root) {
		try (Stream<Path> paths = Files.walk(root)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | RuntimeException ex) {
			// Best effort.
		}
	}

}
