package dev.ceramic.process;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * A directory in a {@link PrivateDirectory} that one application uses, held by an
 * exclusive lock on its {@value #LOCK_FILE} file for as long as the application runs.
 * Cleanup deletes only entries whose lock it can take. Kernel file locks hold across PID
 * namespaces that share the filesystem, so an entry of a live application in another
 * container is never taken for an abandoned one, as a pid check would.
 *
 * <p>
 * Making an entry and cleaning up both hold the lock on the base directory's
 * {@value #BASE_LOCK_FILE}, so cleanup never sees an entry between its creation and the
 * lock on it: an entry without a lock file is abandoned (its maker died in that moment,
 * or a cleaner died while deleting it).
 */
final class LockedEntry implements AutoCloseable {

	static final String LOCK_FILE = "lock";

	static final String BASE_LOCK_FILE = ".lock";

	private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

	/**
	 * File locks belong to the whole JVM, and a second lock on the same file from this
	 * JVM throws instead of waiting: this makes threads of this JVM take turns.
	 */
	private static final Object baseLocks = new Object();

	private final Path directory;

	private final FileChannel lockChannel;

	private boolean closed;

	private LockedEntry(Path directory, FileChannel lockChannel) {
		this.directory = directory;
		this.lockChannel = lockChannel;
	}

	/**
	 * Make a new entry, owner-only, named with the prefix and a random suffix, and hold
	 * its lock.
	 * @param base a directory that {@link PrivateDirectory#ensure} accepted
	 * @param prefix how the entry's name starts
	 * @return the entry, locked
	 * @throws IOException if it cannot be made or locked
	 */
	static LockedEntry create(Path base, String prefix) throws IOException {
		synchronized (baseLocks) {
			try (FileChannel baseLock = openBaseLock(base); FileLock held = baseLock.lock()) {
				return createLocked(base, prefix);
			}
		}
	}

	/**
	 * Called with the base locked, so that cleanup sees the entry only once it is locked.
	 */
	private static LockedEntry createLocked(Path base, String prefix) throws IOException {
		Path directory = base.resolve(prefix + UUID.randomUUID());
		Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PrivateDirectory.OWNER_ONLY));
		FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE),
				Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
				PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
		try {
			if (channel.tryLock() == null) {
				throw new IOException("Could not lock the new cache entry " + directory);
			}
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
		return new LockedEntry(directory, channel);
	}

	/**
	 * Delete the entries under the base whose names start with the prefix and whose lock
	 * no one holds. Entries that are not this user's alone are left as they are.
	 * @param base the base directory
	 * @param prefix how the names of entries start
	 * @param uid this user's uid
	 * @return the entries deleted
	 * @throws IOException if the base cannot be locked or listed
	 */
	static int deleteAbandoned(Path base, String prefix, int uid) throws IOException {
		synchronized (baseLocks) {
			int deleted = 0;
			try (FileChannel baseLock = openBaseLock(base);
					FileLock held = baseLock.lock();
					DirectoryStream<Path> entries = Files.newDirectoryStream(base, prefix + "*")) {
				for (Path entry : entries) {
					if (deleteIfAbandoned(entry, uid)) {
						deleted++;
					}
				}
			}
			return deleted;
		}
	}

	/**
	 * Run an action while holding the base directory's lock, so that no cleanup in this
	 * or another process runs meanwhile.
	 * @param <T> what the action returns
	 * @param base the base directory
	 * @param action the action
	 * @return what the action returned
	 * @throws IOException if the base cannot be locked, or the action failed
	 */
	static <T> T withBaseLock(Path base, BaseAction<T> action) throws IOException {
		synchronized (baseLocks) {
			try (FileChannel baseLock = openBaseLock(base); FileLock held = baseLock.lock()) {
				return action.run();
			}
		}
	}

	/**
	 * Delete an entry unless someone holds its lock, shared or exclusive. Called with the
	 * base locked.
	 * @param entry the entry
	 * @param uid this user's uid
	 * @return whether it was deleted
	 */
	static boolean deleteIfAbandoned(Path entry, int uid) {
		try {
			PrivateDirectory.check(entry, uid);
		}
		catch (IOException ex) {
			return false;
		}
		FileChannel channel;
		try {
			channel = FileChannel.open(entry.resolve(LOCK_FILE),
					Set.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
		}
		catch (NoSuchFileException ex) {
			deleteRecursively(entry, null);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
		try (channel) {
			FileLock lock = tryLock(channel);
			if (lock == null) {
				return false; // in use by a live application
			}
			deleteRecursively(entry, entry.resolve(LOCK_FILE));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static @Nullable FileLock tryLock(FileChannel channel) throws IOException {
		try {
			return channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			return null; // held by this JVM
		}
	}

	private static FileChannel openBaseLock(Path base) throws IOException {
		return FileChannel.open(base.resolve(BASE_LOCK_FILE),
				Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
				PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
	}

	/**
	 * Move the entry's directory to its final name in one step and let go of the lock,
	 * without deleting anything: it is someone else's to hold from now on. Called with
	 * the base locked ({@link #withBaseLock}), so that no cleanup sees it unlocked.
	 * @param target the new name, in the same base directory
	 * @throws IOException if it cannot be moved, for instance because the target exists;
	 * the entry is then still this one's
	 */
	synchronized void moveTo(Path target) throws IOException {
		Files.move(this.directory, target, StandardCopyOption.ATOMIC_MOVE);
		this.closed = true;
		this.lockChannel.close();
	}

	/** The entry's directory. */
	Path directory() {
		return this.directory;
	}

	/** Delete the entry, its lock file last, and let go of the lock. */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try (FileChannel channel = this.lockChannel) {
			deleteRecursively(this.directory, this.directory.resolve(LOCK_FILE));
		}
		catch (IOException ex) {
			// Best effort: cleanup by a later start takes what is left.
		}
	}

	/**
	 * What runs with the base directory locked.
	 *
	 * @param <T> what it returns
	 */
	@FunctionalInterface
	interface BaseAction<T> {

		T run() throws IOException;

	}

	/**
	 * Delete a tree, without following links; the given lock file just before the
	 * directory itself, so that the entry stays locked while its files go.
	 */
	static void deleteRecursively(Path root, @Nullable Path lockFile) {
		try (Stream<Path> paths = Files.walk(root)) {
			paths.sorted(Comparator.reverseOrder())
				.filter((path) -> !path.equals(root) && !path.equals(lockFile))
				.forEach(LockedEntry::deleteQuietly);
		}
		catch (IOException | RuntimeException ex) {
			// Best effort.
		}
		if (lockFile != null) {
			deleteQuietly(lockFile);
		}
		deleteQuietly(root);
	}

	private static void deleteQuietly(Path path) {
		try {
			Files.deleteIfExists(path);
		}
		catch (IOException ex) {
			// Best effort.
		}
	}

}
