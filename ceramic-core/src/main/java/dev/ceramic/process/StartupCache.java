package dev.ceramic.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import dev.ceramic.Durations;
import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.platform.Platform;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up work that child JVMs share instead of each doing it again
 * ({@link ProcOptions.Builder#startupCache(boolean)}). Measured on a 2-CPU machine, a
 * child spent most of its start-up in two places that this removes:
 *
 * <ul>
 * <li>Extracting junixsocket's native library from its jar to a temporary file, loading
 * it and deleting it again, in every child. The parent extracts it once and children load
 * it with junixsocket's {@code org.newsclub.net.unix.library.override}. The override is
 * not forced, so a child that cannot load it falls back to extracting its own copy.</li>
 * <li>Loading, verifying and linking a few hundred classes (junixsocket's, the channel's,
 * and JDK classes that the JDK's default CDS archive lacks), and spinning lambda forms.
 * The first start launches one short training JVM in the background that starts as a
 * child does, exchanges a message and exits with {@code -XX:ArchiveClassesAtExit}; later
 * children map that dynamic CDS archive with {@code -XX:SharedArchiveFile}. The JVM
 * checks that the classpath matches the archive's, and the archive is only used with the
 * {@code java} executable, classpath and JVM options that made it. CDS refuses non-empty
 * directories on the classpath, so this part applies only when the classpath is all jar
 * files.</li>
 * </ul>
 *
 * Everything lives in one entry per parent JVM ({@link LockedEntry}) under a base
 * directory of this user's alone, {@code <java.io.tmpdir>/ceramic-<uid>}
 * ({@link PrivateDirectory}), so that no other user can swap the library or the archive.
 * A base that another user could change is refused with one warning, and children start
 * without the cache. The parent holds its entry's lock while it runs and deletes the
 * entry when it exits; entries whose lock no one holds, left behind by parents that were
 * killed, are deleted on the next start.
 */
final class StartupCache {

	static final String LIBRARY_OVERRIDE = "org.newsclub.net.unix.library.override";

	static final String ENTRY_PREFIX = "ceramic-startup-";

	private static final String BASE_PREFIX = "ceramic-";

	private static final Duration TRAINING_TIMEOUT = Duration.ofSeconds(60);

	private static final Logger logger = LoggerFactory.getLogger(StartupCache.class);

	/** Names of the entries that outlive the application: archives and unpacked jars. */
	static final List<String> PERSISTENT_PREFIXES = List.of(StartupArchive.ENTRY_PREFIX,
			StartupCacheEntry.ENTRY_PREFIX);

	/** One cache per base directory; the key {@code ""} is this user's temp one. */
	private static final Map<String, StartupCache> caches = new HashMap<>();

	/** The base directory, or {@code null} for this user's one in the temp directory. */
	private final @Nullable Path base;

	private final Object lock = new Object();

	// Guarded by lock.

	private @Nullable LockedEntry entry;

	private @Nullable IOException refused;

	private @Nullable Path checkedBase;

	private int uid;

	private @Nullable CacheStore store;

	private boolean libraryLookedUp;

	private @Nullable Path library;

	private final Map<String, Archive> archives = new HashMap<>();

	private int archivesMade;

	private StartupCache(@Nullable Path base) {
		this.base = base;
	}

	/**
	 * A cache of its own under the given base directory, for tests.
	 * @param base the base directory, which it creates or checks as it would its own
	 * @return the cache
	 */
	static StartupCache under(Path base) {
		return new StartupCache(base);
	}

	/**
	 * Return the JVM options that let a child reuse what is cached, and start caching
	 * what is not yet.
	 * @param options the child's options
	 * @return the options to add before the caller's own
	 */
	static List<String> jvmArguments(ProcOptions options) {
		return of(options.startupCacheDirectory()).arguments(options);
	}

	/**
	 * The cache in a base directory, one per directory for the life of this JVM.
	 * @param directory the base directory, or {@code null} for this user's one in the
	 * temp directory
	 * @return the cache
	 */
	static StartupCache of(@Nullable Path directory) {
		String key = (directory != null) ? directory.toAbsolutePath().normalize().toString() : "";
		synchronized (caches) {
			return caches.computeIfAbsent(key, (k) -> new StartupCache(k.isEmpty() ? null : Path.of(k)));
		}
	}

	/**
	 * Return the JVM options that let a child reuse what this cache holds.
	 * @param options the child's options
	 * @return the options to add before the caller's own
	 */
	List<String> arguments(ProcOptions options) {
		if (!options.startupCache()) {
			return List.of();
		}
		List<String> arguments = new ArrayList<>(2);
		if (!setsLibrary(options)) {
			Path library = library();
			if (library != null) {
				arguments.add("-D" + LIBRARY_OVERRIDE + "=" + library);
			}
		}
		Path archive = archive(options);
		if (archive != null) {
			arguments.add("-XX:SharedArchiveFile=" + archive);
		}
		return arguments;
	}

	private static boolean setsLibrary(ProcOptions options) {
		return options.systemProperties().keySet().stream().anyMatch((key) -> key.startsWith(LIBRARY_OVERRIDE))
				|| options.jvmArguments().stream().anyMatch((argument) -> argument.startsWith("-D" + LIBRARY_OVERRIDE));
	}

	/** The native library this JVM's junixsocket loaded, as a file children can load. */
	private @Nullable Path library() {
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

	private @Nullable Path extractLibrary() throws IOException {
		String override = System.getProperty(LIBRARY_OVERRIDE, "");
		if (!override.isEmpty()) {
			Path path = Path.of(override);
			return (path.isAbsolute() && Files.isRegularFile(path)) ? path : null;
		}
		// junixsocket deletes the file it loaded, so extract the same resource again.
		Platform.NativeLibrary library = Platform.junixsocketLibrary().orElse(null);
		if (library == null) {
			return null;
		}
		Path directory = directory();
		Path target = directory.resolve(library.fileName());
		// Children see the file only complete: written under another name, then moved.
		Path partial = Files.createTempFile(directory, library.fileName(), ".partial");
		try (InputStream in = library.resource().openStream()) {
			// Into the file as made (owner-only): replacing it would make a new one.
			try (OutputStream out = Files.newOutputStream(partial)) {
				in.transferTo(out);
			}
			Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
		}
		finally {
			Files.deleteIfExists(partial);
		}
		logger.debug("Children load junixsocket's native library from {}", target);
		return target;
	}

	/** The archive to use, or {@code null} while there is none yet. */
	private @Nullable Path archive(ProcOptions options) {
		if (!(options.launchMode() instanceof ClasspathLaunchMode launchMode)
				|| options.jvmArguments().stream().anyMatch(StartupCache::choosesSharing)
				|| Proc.javaFeatureVersion(options.javaExecutable()) < 17) {
			return null;
		}
		String jars = fingerprint(launchMode.classpath());
		if (jars == null) {
			return null;
		}
		String key = options.javaExecutable() + "\n" + launchMode.classpath() + "\n"
				+ String.join("\n", options.jvmArguments());
		Path file;
		synchronized (lock) {
			Archive archive = archives.get(key);
			if (archive != null && archive.jars().equals(jars)) {
				return (archive.ready() && Files.isRegularFile(archive.file())) ? archive.file() : null;
			}
			// None yet, or a jar changed since: the JVM would refuse the archive with a
			// warning on the child's standard output, so make a new one.
			try {
				file = directory().resolve("classes-" + (++archivesMade) + ".jsa");
			}
			catch (IOException ex) {
				logger.debug("No class data sharing archive for child JVMs", ex);
				archives.put(key, new Archive(Path.of(""), jars, false));
				return null;
			}
			archives.put(key, new Archive(file, jars, false));
			if (archive != null) {
				archive.file().toFile().delete();
			}
		}
		Thread training = new Thread(() -> train(key, options, file, jars), "ceramic-cds-training");
		training.setDaemon(true);
		training.start();
		return null;
	}

	/**
	 * The path, size and modification time of each classpath entry, or {@code null}
	 * unless all are jar files: CDS refuses non-empty directories.
	 */
	private static @Nullable String fingerprint(String classpath) {
		if (classpath.isEmpty()) {
			return null;
		}
		StringBuilder fingerprint = new StringBuilder();
		for (String entry : classpath.split(File.pathSeparator)) {
			File jar = new File(entry);
			if (!entry.endsWith(".jar") || !jar.isFile()) {
				return null;
			}
			fingerprint.append(entry)
				.append(':')
				.append(jar.length())
				.append(':')
				.append(jar.lastModified())
				.append(';');
		}
		return fingerprint.toString();
	}

	/** Whether a JVM option of the caller's already decides about class data sharing. */
	static boolean choosesSharing(String argument) {
		return argument.startsWith("-Xshare") || argument.contains("SharedArchiveFile")
				|| argument.contains("ArchiveClassesAtExit") || argument.contains("AutoCreateSharedArchive")
				|| argument.contains("AOTCache") || argument.contains("AOTMode");
	}

	/**
	 * Start a child as the given options would, exchange a message, and let it exit so
	 * that it writes the archive.
	 */
	private void train(String key, ProcOptions options, Path file, String jars) {
		long start = System.nanoTime();
		boolean ready = false;
		try {
			ProcOptions.Builder training = ProcOptions.builder()
				.name("ceramic-cds-training")
				.javaExecutable(options.javaExecutable())
				.launchMode(options.launchMode())
				.jvmArguments(options.jvmArguments())
				.jvmArguments("-XX:ArchiveClassesAtExit=" + file)
				.inheritEnvironment(options.inheritEnvironment())
				.startupTimeout(options.startupTimeout())
				.closeGrace(TRAINING_TIMEOUT)
				.startupCache(false);
			options.systemProperties().forEach(training::systemProperty);
			options.removedEnvironment().forEach(training::removeEnvironment);
			options.environment().forEach(training::environment);
			Path workingDirectory = options.workingDirectory();
			if (workingDirectory != null) {
				training.workingDirectory(workingDirectory);
			}
			Path library = setsLibrary(options) ? null : library();
			if (library != null) {
				training.systemProperty(LIBRARY_OVERRIDE, library.toString());
			}
			Chan chan = Chan.open();
			try (Proc proc = Proc.start(Training.class, chan, training.build())) {
				chan.recv(TRAINING_TIMEOUT);
				chan.close();
				OptionalInt status = proc.waitFor(TRAINING_TIMEOUT);
				ready = status.isPresent() && status.getAsInt() == 0 && Files.isRegularFile(file)
						&& Files.size(file) > 0;
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not make a class data sharing archive for child JVMs", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			synchronized (lock) {
				Archive current = archives.get(key);
				if (current != null && current.file().equals(file)) {
					archives.put(key, new Archive(file, jars, ready));
				}
			}
		}
		if (ready) {
			logger.debug("Child JVMs map the class data sharing archive {}, made in {}", file,
					Durations.formatMillis(Duration.ofNanos(System.nanoTime() - start)));
		}
	}

	/**
	 * The base directory, checked or made owner-only on first use. Called with the lock
	 * held.
	 * @throws IOException if there is none, now and for the rest of this cache's life
	 */
	private Path base() throws IOException {
		Path checked = this.checkedBase;
		if (checked != null) {
			return checked;
		}
		IOException failure = this.refused;
		if (failure != null) {
			throw failure;
		}
		try {
			Path temp = Path.of(System.getProperty("java.io.tmpdir"));
			int uid = PrivateDirectory.currentUid(temp);
			Path base = (this.base != null) ? this.base.toAbsolutePath() : temp.resolve(BASE_PREFIX + uid);
			Path parent = base.getParent();
			if (this.base != null && parent != null) {
				// A configured directory may be new, and so may the ones above it.
				Files.createDirectories(parent);
			}
			PrivateDirectory.ensure(base, uid);
			this.uid = uid;
			this.checkedBase = base;
			return base;
		}
		catch (PrivateDirectory.NotPrivateException ex) {
			logger.warn("Child JVMs start without the start-up cache: {}", ex.getMessage());
			this.refused = ex;
			throw ex;
		}
		catch (IOException | RuntimeException ex) {
			IOException failed = (ex instanceof IOException io) ? io : new IOException(ex);
			logger.debug("Child JVMs start without the start-up cache", ex);
			this.refused = failed;
			throw failed;
		}
	}

	/**
	 * The entries that outlive this application, whose stale ones are pruned on first
	 * use.
	 * @return the store
	 * @throws IOException if the base directory is refused or cannot be made
	 */
	CacheStore store() throws IOException {
		synchronized (this.lock) {
			CacheStore current = this.store;
			if (current != null) {
				return current;
			}
			Path base = base();
			current = CacheStore.in(base, this.uid);
			this.store = current;
			try {
				int pruned = current.prune(PERSISTENT_PREFIXES, Instant.now());
				if (pruned > 0) {
					logger.debug("Deleted {} start-up cache entries unused for {} days, or beyond the {} kept, from {}",
							pruned, CacheStore.MAX_AGE.toDays(), CacheStore.MAX_ENTRIES, base);
				}
			}
			catch (IOException ex) {
				logger.debug("Could not prune the start-up cache in {}", base, ex);
			}
			return current;
		}
	}

	/**
	 * This parent's entry, created on first use. Called with the lock held.
	 * @throws IOException if there is none, now and for the rest of this cache's life
	 */
	private Path directory() throws IOException {
		LockedEntry current = this.entry;
		if (current != null) {
			return current.directory();
		}
		Path base = base();
		try {
			LockedEntry.deleteAbandoned(base, ENTRY_PREFIX, this.uid);
			current = LockedEntry.create(base, ENTRY_PREFIX + ProcessHandle.current().pid() + "-");
		}
		catch (IOException | RuntimeException ex) {
			IOException failed = (ex instanceof IOException io) ? io : new IOException(ex);
			this.refused = failed;
			throw failed;
		}
		LockedEntry created = current;
		Runtime.getRuntime().addShutdownHook(new Thread(created::close, "ceramic-startup-cache-cleanup"));
		this.entry = current;
		return current.directory();
	}

	/** Delete this cache's entry and let go of its lock, for tests. */
	void close() {
		synchronized (this.lock) {
			LockedEntry current = this.entry;
			if (current != null) {
				current.close();
			}
		}
	}

	private record Archive(Path file, String jars, boolean ready) {
	}

	/** The training child: start, exchange a message, exit. */
	static final class Training implements ProcMain {

		@Override
		public void run(Chan chan) {
			try {
				chan.send(new byte[] { 1 });
				chan.recv();
			}
			catch (ChannelClosedException ex) {
				// The parent closes the channel once it has the message.
			}
		}

	}

}
