package dev.ceramic.channel;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;
import org.newsclub.net.unix.AFSocket;
import org.newsclub.net.unix.FileDescriptorCast;
import org.newsclub.net.unix.MemoryImplUtilInternal;

/**
 * Anonymous memory files from {@code memfd_create(2)}: files that no directory ever
 * names, held in memory and bounded by the process's memory limit rather than by the size
 * of {@code /dev/shm} (64 MiB in a Docker container by default).
 *
 * <p>
 * The JDK cannot make one. junixsocket's native library, which the channel loads anyway,
 * can, but only through {@link MemoryImplUtilInternal}, whose constructor is meant for
 * junixsocket's own memory module (not published). This class builds one reflectively,
 * which works where junixsocket sits on the class path, as it does in a Spring Boot jar.
 * Where that fails (junixsocket on the module path, a version without it, no Linux),
 * {@link #create} returns {@code null} and shared memory goes to files in
 * {@code /dev/shm}. A test fails if, on Linux, it does not work, so that a junixsocket
 * upgrade cannot turn it off unnoticed.
 */
final class Memfd {

	private static final @Nullable MemoryImplUtilInternal NATIVE = load();

	private Memfd() {
	}

	/**
	 * Make an anonymous memory file of one page. The caller opens it again through
	 * {@link #path} as often as it needs to, read-write or read-only, changes its mode
	 * there, and then closes this descriptor.
	 * @return the file's descriptor, or {@code null} where no anonymous memory file can
	 * be made here
	 * @throws IOException if making one failed where it should have worked
	 */
	static @Nullable FileDescriptor create() throws IOException {
		MemoryImplUtilInternal util = NATIVE;
		if (util == null) {
			return null;
		}
		FileDescriptor fd = new FileDescriptor();
		util.shmOpen(fd, null, 1, 0600, MemoryImplUtilInternal.MOPT_CREAT | MemoryImplUtilInternal.MOPT_TRUNC);
		return fd;
	}

	/** Whether {@link #create} makes memfds here. */
	static boolean isAvailable() {
		return NATIVE != null;
	}

	/** The path that opens the file of a descriptor of this process anew. */
	static Path path(FileDescriptor fd) throws IOException {
		return Path.of("/proc/self/fd", Integer.toString(FileDescriptorCast.using(fd).as(Integer.class)));
	}

	/** Whether a descriptor's target, as {@code /proc/<pid>/fd} shows it, is a memfd. */
	static boolean isMemfd(String target) {
		return target.startsWith("/memfd:");
	}

	private static @Nullable MemoryImplUtilInternal load() {
		if (!Files.isDirectory(Path.of("/proc/self/fd"))) {
			return null;
		}
		try {
			if (!AFSocket.isSupported()) {
				return null;
			}
			Constructor<MemoryImplUtilInternal> constructor = MemoryImplUtilInternal.class.getDeclaredConstructor();
			constructor.setAccessible(true);
			MemoryImplUtilInternal util = constructor.newInstance();
			// Where the kernel lacks memfd_create, junixsocket makes an unlinked file in
			// /dev/shm instead, which is what the fallback does anyway; so try one.
			FileDescriptor probe = new FileDescriptor();
			util.shmOpen(probe, null, 1, 0600, MemoryImplUtilInternal.MOPT_CREAT | MemoryImplUtilInternal.MOPT_TRUNC);
			try {
				return isMemfd(Files.readSymbolicLink(path(probe)).toString()) ? util : null;
			}
			finally {
				Descriptors.closeQuietly(probe);
			}
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError | IOException ex) {
			return null;
		}
	}

}
