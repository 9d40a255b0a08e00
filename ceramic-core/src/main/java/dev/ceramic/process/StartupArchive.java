package dev.ceramic.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.CRC32C;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class-data archive of a whole child, trained by a run of that child and kept in the
 * start-up cache across application restarts, for a caller that knows how to run the
 * child as it really starts (a worker pool: its services, their factory, a handshake and
 * a round trip through the codec). On JDK 17 to 24 it is a dynamic CDS archive
 * ({@code -XX:ArchiveClassesAtExit}, used with {@code -XX:SharedArchiveFile}); on JDK 25
 * and later an AOT cache ({@code -XX:AOTCacheOutput}, used with {@code -XX:AOTCache}),
 * with the garbage collector pinned, since the cache is only valid with the one it was
 * made with.
 *
 * <p>
 * The archive's entry is named by a hash of everything that decides whether the JVM may
 * use it: the {@code java} executable, its {@code release} file and {@code libjvm.so},
 * each classpath jar (and those of its manifest's {@code Class-Path}) with its size and
 * modification time, the JVM options, and what the caller says the child does. A worker
 * must never fail or slow down because of an archive, and a JVM handed a damaged one can
 * crash (JDK 17 dies of SIGBUS on a truncated file), so before an archive is handed to
 * any child:
 * <ul>
 * <li>its CRC-32C and size must match those recorded when it was made;</li>
 * <li>one {@code java -version} with the child's options and {@code -Xshare:on} (or
 * {@code -XX:AOTMode=on}), which fails instead of falling back, must accept it.</li>
 * </ul>
 * When either fails, children start without it and one line at INFO says why. Children
 * then use it with {@code -Xshare:auto} (or {@code -XX:AOTMode=auto}) and the JVM's CDS
 * logging off, so that an archive the JVM still refuses costs nothing but the archive.
 */
public final class StartupArchive {

	static final String ENTRY_PREFIX = "archive-";

	static final String CHECKSUM_FILE = "checksum";

	/** The first JDK with {@code -XX:AOTCacheOutput} (JEP 514). */
	static final int AOT_CACHE_OUTPUT = 25;

	private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

	private static final Logger logger = LoggerFactory.getLogger(StartupArchive.class);

	private static final Map<String, StartupArchive> archives = new HashMap<>();

	private final StartupCache cache;

	private final String name;

	private final boolean aotCache;

	private final ProcOptions options;

	private final String classpath;

	private final @Nullable String pinnedGc;

	private final int javaVersion;

	private final AtomicBoolean started = new AtomicBoolean();

	private final AtomicBoolean lookedUp = new AtomicBoolean();

	private volatile @Nullable Path ready;

	private StartupArchive(StartupCache cache, String name, ProcOptions options, String classpath, int javaVersion) {
		this.cache = cache;
		this.name = name;
		this.aotCache = javaVersion >= AOT_CACHE_OUTPUT;
		this.options = options;
		this.classpath = classpath;
		this.javaVersion = javaVersion;
		this.pinnedGc = (this.aotCache && options.jvmArguments().stream().noneMatch(StartupArchive::choosesGc))
				? "-XX:+UseG1GC" : null;
	}

	/**
	 * The archive for children started with these options, one per JVM for the same
	 * options and workload.
	 * @param options how the child starts
	 * @param workload what the child does that the options do not say (a pool's services
	 * and factory, say), which decides what the archive holds
	 * @return the archive, or {@code null} when none can apply: the start-up cache is
	 * off, the JDK is older than 17, the classpath is not all jar files, or the options
	 * already decide about class data sharing
	 */
	public static @Nullable StartupArchive of(ProcOptions options, String workload) {
		String classpath = options.launchMode().flatClasspath();
		if (!options.startupCache() || classpath == null
				|| options.jvmArguments().stream().anyMatch(StartupCache::choosesSharing)) {
			return null;
		}
		int javaVersion = Proc.javaFeatureVersion(options.javaExecutable());
		if (javaVersion < 17) {
			return null;
		}
		String fingerprint = fingerprint(options, classpath, workload, javaVersion);
		if (fingerprint == null) {
			return null;
		}
		String name = ENTRY_PREFIX + ((javaVersion >= AOT_CACHE_OUTPUT) ? "aot-" : "cds-") + fingerprint;
		StartupCache cache = StartupCache.of(options.startupCacheDirectory());
		synchronized (archives) {
			return archives.computeIfAbsent(cache.hashCode() + "/" + name,
					(key) -> new StartupArchive(cache, name, options, classpath, javaVersion));
		}
	}

	/**
	 * Return the JVM options that make a child use the archive while it is ready, and
	 * that keep {@link Proc}'s own, smaller archive out of the way until then.
	 * @return the options to add after the child's own
	 */
	public List<String> jvmArguments() {
		if (!this.lookedUp.getAndSet(true)) {
			takeExisting();
		}
		Path archive = this.ready;
		List<String> arguments = new ArrayList<>();
		if (archive == null) {
			// The JVM's default, named so that Proc does not train an archive of its own.
			arguments.add("-Xshare:auto");
			return arguments;
		}
		if (this.aotCache) {
			arguments.add("-XX:AOTCache=" + archive);
			arguments.add("-XX:AOTMode=auto");
			arguments.add("-Xlog:aot=off");
			arguments.add("-Xlog:cds=off");
		}
		else {
			arguments.add("-XX:SharedArchiveFile=" + archive);
			arguments.add("-Xshare:auto");
			arguments.add("-Xlog:cds=off");
			arguments.add("-Xlog:cds+dynamic=off");
		}
		addPinnedGc(arguments);
		return arguments;
	}

	/**
	 * Take an archive that an earlier run left in the cache, for the very first child: it
	 * was accepted by the JVM before it was published, and a matching checksum says it is
	 * the same file. One the JVM still refuses (its header says another JDK or other
	 * options) it ignores, and the check in {@link #prepare} stops handing it out.
	 */
	private void takeExisting() {
		try {
			Path entry = this.cache.store().find(this.name);
			if (entry != null && intact(entry, fileName())) {
				this.ready = entry.resolve(fileName());
			}
		}
		catch (IOException | RuntimeException ex) {
			// prepare() tries again, and says why.
		}
	}

	private String fileName() {
		return this.aotCache ? "classes.aot" : "classes.jsa";
	}

	/**
	 * Whether children get the archive now.
	 * @return whether it is ready
	 */
	public boolean isReady() {
		return this.ready != null;
	}

	/**
	 * Return the archive's file once it is ready.
	 * @return the file, or {@code null} until then
	 */
	public @Nullable Path file() {
		return this.ready;
	}

	/**
	 * Make the archive ready in the background, once for the life of this JVM: check the
	 * one in the cache, or train a new one with the trainer, have the JVM accept it, and
	 * hand it to children started from then on.
	 * @param trainer runs one child with the options it is given and lets it exit
	 * normally, which is when the JVM writes the archive
	 */
	public void prepare(Trainer trainer) {
		if (!this.started.compareAndSet(false, true)) {
			return;
		}
		Thread thread = new Thread(() -> prepareNow(trainer), "ceramic-startup-archive");
		thread.setDaemon(true);
		thread.start();
	}

	private void prepareNow(Trainer trainer) {
		long start = System.nanoTime();
		CacheStore store;
		try {
			store = this.cache.store();
		}
		catch (IOException ex) {
			return; // refused with a warning already, or logged at debug
		}
		String file = fileName();
		Path taken = this.ready;
		try {
			if (taken != null) {
				String refusal = probe(taken);
				if (refusal != null) {
					this.ready = null;
					logger.info("{} workers start without the class-data archive {}: the JVM refuses it: {}",
							this.options.name(), taken, refusal);
				}
				return;
			}
			Path entry = store.find(this.name);
			if (entry != null && !intact(entry, file)) {
				logger.info("A class-data archive in {} is damaged (its checksum does not match); making it again",
						entry);
				store.discard(this.name);
				entry = null;
			}
			boolean trained = false;
			if (entry == null) {
				trained = true;
				entry = store.create(this.name, (directory) -> train(trainer, directory, file));
			}
			else {
				String refusal = probe(entry.resolve(file));
				if (refusal != null) {
					logger.info("{} workers start without the class-data archive {}: the JVM refuses it: {}",
							this.options.name(), entry.resolve(file), refusal);
					return;
				}
			}
			if (!intact(entry, file)) {
				throw new IOException("the archive " + entry.resolve(file) + " does not match its checksum");
			}
			this.ready = entry.resolve(file);
			logger.info("{} workers map the class-data archive {} ({}, {} in {} ms)", this.options.name(), this.ready,
					this.aotCache ? "AOT cache" : "dynamic CDS", trained ? "trained" : "checked",
					Duration.ofNanos(System.nanoTime() - start).toMillis());
		}
		catch (IOException | RuntimeException ex) {
			logger.info("{} workers start without a class-data archive: {}", this.options.name(), ex.getMessage());
			logger.debug("The archive could not be made", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Train an archive into an entry being filled, and check that the JVM accepts it
	 * before it is published.
	 */
	private void train(Trainer trainer, Path directory, String file) throws IOException {
		Path output = directory.resolve(file);
		List<String> arguments = new ArrayList<>();
		if (this.aotCache) {
			arguments.add("-XX:AOTCacheOutput=" + output);
			arguments.add("-Xlog:aot=off");
			arguments.add("-Xlog:cds=off");
		}
		else {
			arguments.add("-XX:ArchiveClassesAtExit=" + output);
			arguments.add("-Xlog:cds=off");
			arguments.add("-Xlog:cds+dynamic=off");
		}
		addPinnedGc(arguments);
		try {
			boolean trained = trainer.train(this.options.toBuilder().jvmArguments(arguments).build());
			if (!trained || !Files.isRegularFile(output) || Files.size(output) == 0) {
				throw new IOException("the training run did not write an archive");
			}
			String refusal = probe(output);
			if (refusal != null) {
				throw new IOException("the JVM refuses the archive it trained: " + refusal);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted while training", ex);
		}
		Files.writeString(directory.resolve(CHECKSUM_FILE), checksum(output));
	}

	private void addPinnedGc(List<String> arguments) {
		if (this.pinnedGc != null) {
			arguments.add(this.pinnedGc);
		}
	}

	/** Whether the archive matches the checksum recorded when it was made. */
	static boolean intact(Path entry, String file) throws IOException {
		Path archive = entry.resolve(file);
		Path recorded = entry.resolve(CHECKSUM_FILE);
		if (!Files.isRegularFile(archive) || !Files.isRegularFile(recorded)) {
			return false;
		}
		return Files.readString(recorded).equals(checksum(archive));
	}

	static String checksum(Path file) throws IOException {
		CRC32C crc = new CRC32C();
		long size = 0;
		byte[] buffer = new byte[1 << 16];
		try (InputStream in = Files.newInputStream(file)) {
			int read;
			while ((read = in.read(buffer)) > 0) {
				crc.update(buffer, 0, read);
				size += read;
			}
		}
		return "crc32c=" + Long.toHexString(crc.getValue()) + " size=" + size + "\n";
	}

	/**
	 * Ask the JVM whether it takes the archive with the child's options, with sharing
	 * required so that it says why not instead of falling back.
	 * @return {@code null} when it does, or what it said
	 */
	private @Nullable String probe(Path archive) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(this.options.javaExecutable().toString());
		if (this.javaVersion >= 22) {
			command.add("--enable-native-access=ALL-UNNAMED");
		}
		command.addAll(this.options.jvmArguments());
		if (this.aotCache) {
			command.add("-XX:AOTCache=" + archive);
			command.add("-XX:AOTMode=on");
		}
		else {
			command.add("-XX:SharedArchiveFile=" + archive);
			command.add("-Xshare:on");
		}
		addPinnedGc(command);
		command.add("-cp");
		command.add(this.classpath);
		command.add("-version");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		process.getOutputStream().close();
		byte[] output;
		try (InputStream in = process.getInputStream()) {
			output = in.readNBytes(64 * 1024);
		}
		if (!process.waitFor(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			process.destroyForcibly();
			return "java -version did not finish within " + PROBE_TIMEOUT;
		}
		if (process.exitValue() == 0) {
			return null;
		}
		String said = new String(output, StandardCharsets.UTF_8).replaceAll("[#\\s]+", " ").strip();
		String status = ExitStatus.describe(process.exitValue());
		return said.isEmpty() ? status
				: status + ": " + ((said.length() > 400) ? said.substring(0, 400) + "..." : said);
	}

	/**
	 * A hash of what decides whether the JVM may use an archive, or {@code null} unless
	 * the classpath is all jar files (CDS refuses non-empty directories).
	 */
	static @Nullable String fingerprint(ProcOptions options, String classpath, String workload, int javaVersion) {
		StringBuilder text = new StringBuilder("ceramic startup archive 1\n");
		Path java;
		try {
			java = options.javaExecutable().toRealPath();
		}
		catch (IOException ex) {
			return null;
		}
		text.append(java).append('\n').append(javaVersion).append('\n');
		Path bin = java.getParent();
		Path home = (bin != null) ? bin.getParent() : null;
		if (home != null) {
			try {
				text.append(Files.readString(home.resolve("release")));
			}
			catch (IOException ex) {
				text.append("no release file\n");
			}
			appendFile(text, home.resolve("lib").resolve("server").resolve("libjvm.so").toFile());
		}
		if (classpath.isEmpty()) {
			return null;
		}
		for (String entry : classpath.split(File.pathSeparator)) {
			File jar = new File(entry);
			if (!entry.endsWith(".jar") || !jar.isFile()) {
				return null;
			}
			appendFile(text, jar);
			for (File listed : manifestClassPath(jar)) {
				appendFile(text, listed);
			}
		}
		for (String argument : options.jvmArguments()) {
			// System properties do not decide whether an archive applies, and some of
			// them, like the error file's directory, differ from run to run.
			if (!argument.startsWith("-D") && !argument.startsWith("-XX:ErrorFile=")) {
				text.append(argument).append('\n');
			}
		}
		text.append(workload);
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(hash, 0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void appendFile(StringBuilder text, File file) {
		text.append(file.getAbsolutePath())
			.append(':')
			.append(file.length())
			.append(':')
			.append(file.lastModified())
			.append('\n');
	}

	/** The jars a jar's manifest adds to the classpath, relative to the jar. */
	private static List<File> manifestClassPath(File jar) {
		List<File> listed = new ArrayList<>();
		try (JarFile file = new JarFile(jar)) {
			Manifest manifest = file.getManifest();
			String classPath = (manifest != null) ? manifest.getMainAttributes().getValue("Class-Path") : null;
			if (classPath != null) {
				File directory = jar.getAbsoluteFile().getParentFile();
				for (String item : classPath.trim().split("\\s+")) {
					if (!item.isEmpty() && !item.contains(":")) {
						listed.add(new File(directory, item));
					}
				}
			}
		}
		catch (IOException ex) {
			// The JVM itself checks the jars it maps.
		}
		return listed;
	}

	private static boolean choosesGc(String argument) {
		return argument.startsWith("-XX:+Use") && argument.endsWith("GC");
	}

	/** Runs one child to train an archive. */
	@FunctionalInterface
	public interface Trainer {

		/**
		 * Start a child with these options, let it do what it does at start-up, and wait
		 * for it to exit normally.
		 * @param options the child's options, with the archive's training options added
		 * @return whether it exited normally (status 0)
		 * @throws IOException if it could not be run
		 * @throws InterruptedException if interrupted while waiting
		 */
		boolean train(ProcOptions options) throws IOException, InterruptedException;

	}

}
