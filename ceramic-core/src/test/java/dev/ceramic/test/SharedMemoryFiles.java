package dev.ceramic.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The shared-memory files of ceramic's large values that a process maps or holds
 * descriptors of, read from {@code /proc/<pid>/maps} and {@code /proc/<pid>/fd}. Such a
 * file is a memfd (named {@code junixsocket} by the library that makes it) or, where
 * there is none, an unlinked {@code ceramic-*.value} or {@code ceramic-*.region} file;
 * each is known by its inode. A region stays mapped from message to message; a file of
 * one message's values is only held open, and is mapped just while a value is copied out.
 */
public final class SharedMemoryFiles {

	private SharedMemoryFiles() {
	}

	/**
	 * Return the shared-memory files that a process maps.
	 * @param process a pid, or {@code self}
	 * @return how many mappings of each file it has, by inode
	 */
	public static Map<Long, Integer> mapped(String process) {
		Map<Long, Integer> mappings = new TreeMap<>();
		try {
			for (String line : Files.readAllLines(Path.of("/proc", process, "maps"))) {
				// address perms offset device inode path
				String[] fields = line.trim().split("\\s+", 6);
				if (fields.length == 6 && isShared(fields[5])) {
					mappings.merge(Long.parseLong(fields[4]), 1, Integer::sum);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return mappings;
	}

	/**
	 * Return the shared-memory files that a process holds descriptors of.
	 * @param process a pid, or {@code self}
	 * @return their inodes
	 */
	public static Set<Long> open(String process) {
		Set<Long> inodes = new TreeSet<>();
		try (Stream<Path> fds = Files.list(Path.of("/proc", process, "fd"))) {
			for (Path fd : (Iterable<Path>) fds::iterator) {
				try {
					if (isShared(Files.readSymbolicLink(fd).toString())) {
						inodes.add((Long) Files.getAttribute(fd, "unix:ino"));
					}
				}
				catch (IOException ex) {
					// Closed since the listing.
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return inodes;
	}

	/**
	 * Return the shared-memory files that a process holds open without mapping them:
	 * files of single messages' values, not regions.
	 * @param process a pid, or {@code self}
	 * @return their inodes
	 */
	public static Set<Long> openUnmapped(String process) {
		Set<Long> inodes = open(process);
		inodes.removeAll(mapped(process).keySet());
		return inodes;
	}

	/**
	 * Return every shared-memory file that a process maps or holds open.
	 * @param process a pid, or {@code self}
	 * @return their inodes
	 */
	public static Set<Long> all(String process) {
		Set<Long> inodes = open(process);
		inodes.addAll(mapped(process).keySet());
		return inodes;
	}

	private static boolean isShared(String path) {
		return path.startsWith("/memfd:junixsocket")
				|| path.contains("/ceramic-") && (path.contains(".value") || path.contains(".region"));
	}

}
