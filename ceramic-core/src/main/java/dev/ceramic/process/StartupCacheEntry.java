package dev.ceramic.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory in the start-up cache that outlives the application, made once for a key
 * and shared by this user's applications: for instance an executable jar unpacked into
 * plain jars that workers can start from. It appears whole or not at all, and is held by
 * this application until it exits, so that pruning leaves it alone meanwhile.
 */
public final class StartupCacheEntry {

	static final String ENTRY_PREFIX = "unpacked-";

	private static final Logger logger = LoggerFactory.getLogger(StartupCacheEntry.class);

	private StartupCacheEntry() {
	}

	/**
	 * Return the entry for a key, filling it first when it does not exist yet.
	 * @param cacheDirectory the start-up cache's directory
	 * ({@link ProcOptions.Builder#startupCacheDirectory}), or {@code null} for the
	 * default
	 * @param key what the entry's content is made from, such as a jar's path, size and
	 * modification time
	 * @param filler writes the entry's files into the (owner-only, empty) directory it is
	 * given
	 * @return the entry's directory, or {@code null} when the cache is refused or the
	 * filler failed (logged at debug: a caller falls back to doing without)
	 */
	public static @Nullable Path obtain(@Nullable Path cacheDirectory, String key, Filler filler) {
		try {
			return StartupCache.of(cacheDirectory).store().create(ENTRY_PREFIX + hash(key), filler::fill);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("No start-up cache entry for {}", key, ex);
			return null;
		}
	}

	private static String hash(String key) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(hash, 0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Writes an entry's files. */
	@FunctionalInterface
	public interface Filler {

		/**
		 * Write the entry's files.
		 * @param directory the entry's directory
		 * @throws IOException if it could not be filled; nothing is kept
		 */
		void fill(Path directory) throws IOException;

	}

}
