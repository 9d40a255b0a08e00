package dev.ceramic.process;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The checksum the start-up cache records beside an archive, for tests that damage one.
 */
public final class StartupArchiveChecksum {

	/** The checksum's file, beside the archive. */
	public static final String FILE = StartupArchive.CHECKSUM_FILE;

	private StartupArchiveChecksum() {
	}

	/**
	 * Compute an archive's checksum as the cache records it.
	 * @param archive the archive
	 * @return the checksum file's content
	 * @throws IOException if it cannot be read
	 */
	public static String of(Path archive) throws IOException {
		return StartupArchive.checksum(archive);
	}

}
