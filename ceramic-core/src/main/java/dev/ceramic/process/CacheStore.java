package dev.ceramic.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Entries that outlive the application that made them (class-data archives, unpacked
 * jars), in a {@link PrivateDirectory} shared by every application of this user.
 *
 * <ul>
 * <li>An entry appears whole or not at all: it is filled under a temporary name (a
 * {@link LockedEntry}, so that a filler that dies leaves nothing that cleanup would
 * spare) and moved to its name in one step. When two applications fill the same entry at
 * once, the first move wins and the other's copy is deleted.</li>
 * <li>Each application that uses an entry holds a shared lock on its {@value #LOCK_FILE}
 * file until it exits, and sets that file's modification time as the entry's last
 * use.</li>
 * <li>Pruning deletes entries unused for longer than a maximum age, and the least
 * recently used beyond a maximum count, but only those whose lock it can take
 * exclusively: kernel file locks hold across PID namespaces sharing the directory, so a
 * live application in another container keeps its entries.</li>
 * </ul>
 * Finding, publishing and pruning all hold the base's lock, so that pruning never deletes
 * an entry between its lookup and the lock on it.
 */
final class CacheStore {

	static final String LOCK_FILE = LockedEntry.LOCK_FILE;

	/** How the names of entries being filled start. */
	static final String PARTIAL_PREFIX = ".partial-";

	/** Entries unused for longer than this are deleted. */
	static final Duration MAX_AGE = Duration.ofDays(14);

	/** At most this many entries are kept, the most recently used. */
	static final int MAX_ENTRIES = 12;

	private final Path base;

	private final int uid;

	/** The lock files of the entries this JVM uses, held until it exits. */
	private final Map<String, FileChannel> held = new HashMap<>();

	private CacheStore(Path base, int uid) {
		this.base = base;
		this.uid = uid;
	}

	/**
	 * A store in a base that {@link PrivateDirectory#ensure} accepted.
	 * @param base the base
	 * @param uid this user's uid
	 * @return the store
	 */
	static CacheStore in(Path base, int uid) {
		return new CacheStore(base, uid);
	}

	Path base() {
		return this.base;
	}

	/**
	 * Return an entry if it exists, holding it for the rest of this JVM's life.
	 * @param name the entry's name
	 * @return its directory, or {@code null} when there is none
	 * @throws IOException if it exists but cannot be held
	 */
	@Nullable Path find(String name) throws IOException {
		return LockedEntry.withBaseLock(this.base, () -> Optional.ofNullable(findLocked(name))).orElse(null);
	}

	/**
	 * Return an entry, filling it first when it does not exist. Another application may
	 * fill it at the same time: then one of the two copies wins, whole.
	 * @param name the entry's name
	 * @param filler writes the entry's files into the directory it is given
	 * @return the entry's directory, held for the rest of this JVM's life
	 * @throws IOException if it could not be filled or published
	 */
	Path create(String name, Filler filler) throws IOException {
		Path found = find(name);
		if (found != null) {
			return found;
		}
		LockedEntry partial = LockedEntry.create(this.base, PARTIAL_PREFIX);
		try {
			filler.fill(partial.directory());
			return LockedEntry.withBaseLock(this.base, () -> {
				Path existing = findLocked(name);
				if (existing != null) {
					return existing;
				}
				partial.moveTo(this.base.resolve(name));
				Path published = findLocked(name);
				if (published == null) {
					throw new NoSuchFileException(this.base.resolve(name).toString(), null, "vanished once moved");
				}
				return published;
			});
		}
		finally {
			// Deletes the copy that lost, or that failed; a moved one is no longer its.
			partial.close();
		}
	}

	/**
	 * Let go of an entry this JVM holds and delete it unless another application holds it
	 * too, for an entry found damaged.
	 * @param name the entry's name
	 * @return whether it was deleted
	 * @throws IOException if the base cannot be locked
	 */
	boolean discard(String name) throws IOException {
		return LockedEntry.withBaseLock(this.base, () -> {
			synchronized (this.held) {
				FileChannel channel = this.held.remove(name);
				if (channel != null) {
					channel.close();
				}
			}
			Path entry = this.base.resolve(name);
			return Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
					&& LockedEntry.deleteIfAbandoned(entry, this.uid);
		});
	}

	private @Nullable Path findLocked(String name) throws IOException {
		Path entry = this.base.resolve(name);
		synchronized (this.held) {
			FileChannel holding = this.held.get(name);
			if (holding != null) {
				touch(holding);
				return entry;
			}
			if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
				return null;
			}
			PrivateDirectory.check(entry, this.uid);
			FileChannel channel;
			try {
				// Read and write: a shared lock needs the one, the last-use mark the
				// other. This is the only descriptor of the file this JVM ever opens,
				// since closing any other would drop the lock.
				channel = FileChannel.open(entry.resolve(LOCK_FILE),
						Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
			}
			catch (NoSuchFileException ex) {
				return null; // being deleted by a cleaner that died
			}
			try {
				channel.lock(0, Long.MAX_VALUE, true);
			}
			catch (IOException | RuntimeException ex) {
				channel.close();
				throw ex;
			}
			this.held.put(name, channel);
			touch(channel);
			return entry;
		}
	}

	/**
	 * Mark the entry used now, by writing to its lock file through the channel that holds
	 * it: setting the time by path would open the file anew, and closing that descriptor
	 * would drop this JVM's lock.
	 */
	private static void touch(FileChannel lockChannel) {
		try {
			lockChannel.write(ByteBuffer.wrap(new byte[] { 1 }), 0);
		}
		catch (IOException ex) {
			// Only pruning reads it: the entry may then go a little early.
		}
	}

	/**
	 * Delete entries with the given name prefixes that were not used within
	 * {@link #MAX_AGE}, and the least recently used beyond {@link #MAX_ENTRIES}, unless
	 * someone holds them; and what fillers that died left behind.
	 * @param prefixes how the names of the entries to consider start
	 * @param now the time to measure age from
	 * @return how many entries were deleted
	 * @throws IOException if the base cannot be locked or listed
	 */
	int prune(List<String> prefixes, Instant now) throws IOException {
		int deleted = LockedEntry.deleteAbandoned(this.base, PARTIAL_PREFIX, this.uid);
		return deleted + LockedEntry.withBaseLock(this.base, () -> {
			List<Path> entries = new ArrayList<>();
			try (DirectoryStream<Path> listing = Files.newDirectoryStream(this.base)) {
				for (Path entry : listing) {
					String name = entry.getFileName().toString();
					if (prefixes.stream().anyMatch(name::startsWith)) {
						entries.add(entry);
					}
				}
			}
			entries.sort(Comparator.comparing(CacheStore::lastUsed).reversed());
			Instant oldest = now.minus(MAX_AGE);
			int pruned = 0;
			int kept = 0;
			for (Path entry : entries) {
				boolean tooMany = kept >= MAX_ENTRIES;
				boolean tooOld = lastUsed(entry).isBefore(oldest);
				if ((tooMany || tooOld) && !heldHere(entry) && LockedEntry.deleteIfAbandoned(entry, this.uid)) {
					pruned++;
				}
				else {
					kept++;
				}
			}
			return pruned;
		});
	}

	/**
	 * Whether this JVM holds the entry: then its lock file must not be opened again,
	 * since closing that descriptor would drop the lock.
	 */
	private boolean heldHere(Path entry) {
		synchronized (this.held) {
			return this.held.containsKey(entry.getFileName().toString());
		}
	}

	private static Instant lastUsed(Path entry) {
		try {
			return Files.getLastModifiedTime(entry.resolve(LOCK_FILE), LinkOption.NOFOLLOW_LINKS).toInstant();
		}
		catch (IOException ex) {
			return Instant.EPOCH;
		}
	}

	/** Writes an entry's files. */
	@FunctionalInterface
	interface Filler {

		/**
		 * Write the entry's files.
		 * @param directory the entry's directory, owner-only, empty but for its lock file
		 * @throws IOException if the entry could not be filled; nothing is published
		 */
		void fill(Path directory) throws IOException;

	}

}
