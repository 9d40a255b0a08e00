package dev.ceramic.process;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A directory that only this user can change: created owner-only (mode 0700) in one step,
 * or, when it exists, checked to be a real directory (not a symbolic link) that belongs
 * to this user and that neither group nor others can write. Another local user could
 * otherwise pre-create it, or swap what is in it.
 */
final class PrivateDirectory {

	static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

	private PrivateDirectory() {
	}

	/**
	 * The attribute that makes a directory owner-only as it is created.
	 * @return the attribute
	 */
	static java.nio.file.attribute.FileAttribute<Set<PosixFilePermission>> ownerOnly() {
		return PosixFilePermissions.asFileAttribute(OWNER_ONLY);
	}

	/**
	 * Create the directory owner-only, or check the one that exists.
	 * @param directory the directory
	 * @param uid this user's uid ({@link #currentUid(Path)})
	 * @throws NotPrivateException if it exists and is not this user's alone
	 * @throws IOException if it cannot be created or read
	 */
	static void ensure(Path directory, int uid) throws IOException {
		try {
			// The mode is set as the directory is made, so there is no moment when it is
			// open to others.
			Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
		}
		catch (FileAlreadyExistsException ex) {
			// Made before (by us, we hope): check it below.
		}
		check(directory, uid);
	}

	/**
	 * Check that an existing directory is this user's alone.
	 * @param directory the directory
	 * @param uid this user's uid
	 * @throws NotPrivateException if it is not
	 * @throws IOException if it cannot be read
	 */
	static void check(Path directory, int uid) throws IOException {
		PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class,
				LinkOption.NOFOLLOW_LINKS);
		if (attributes.isSymbolicLink()) {
			throw new NotPrivateException(directory, "is a symbolic link. Remove it");
		}
		if (!attributes.isDirectory()) {
			throw new NotPrivateException(directory, "is not a directory. Remove it");
		}
		int owner = (Integer) Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
		if (owner != uid) {
			throw new NotPrivateException(directory, "belongs to uid " + owner + ", not to this user (uid " + uid
					+ "). Remove it, or point java.io.tmpdir at a directory of your own");
		}
		Set<PosixFilePermission> permissions = attributes.permissions();
		if (permissions.contains(PosixFilePermission.GROUP_WRITE)
				|| permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
			throw new NotPrivateException(directory,
					"is writable by group or others (" + PosixFilePermissions.toString(permissions)
							+ "). Make it owner-only (chmod 700 " + directory + ") or remove it");
		}
	}

	/**
	 * This process's uid, read from a file it creates in the given directory: the JDK has
	 * no portable call for it.
	 * @param directory a directory this process can write
	 * @return the uid
	 * @throws IOException if the directory cannot be written or has no unix attributes
	 */
	static int currentUid(Path directory) throws IOException {
		Path probe = Files.createTempFile(directory, "ceramic-uid-", ".probe");
		try {
			return (Integer) Files.getAttribute(probe, "unix:uid", LinkOption.NOFOLLOW_LINKS);
		}
		finally {
			Files.deleteIfExists(probe);
		}
	}

	/** A directory that is not this user's alone, with what is wrong and what to do. */
	static final class NotPrivateException extends IOException {

		private static final long serialVersionUID = 1L;

		NotPrivateException(Path directory, String problem) {
			super(directory + " " + problem);
		}

	}

}
