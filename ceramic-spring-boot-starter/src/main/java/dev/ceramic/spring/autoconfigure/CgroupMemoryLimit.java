package dev.ceramic.spring.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The memory limit of the cgroup this process runs in, as a container sets it: cgroup
 * v2's {@code memory.max}, or cgroup v1's {@code memory.limit_in_bytes} on systems that
 * still mount the v1 memory controller (hybrid ones too). A limit set on any ancestor
 * cgroup applies as well, so the smallest on the way up to the root is the one that
 * counts. Inside a container the hierarchy is often mounted from the container's own
 * cgroup while {@code /proc/self/cgroup} names the host's path; directories that do not
 * exist are skipped, so that the mount's root is read then.
 *
 * @param bytes the limit in bytes
 * @param file the file it was read from
 */
record CgroupMemoryLimit(long bytes, Path file) {

	/** Where Linux mounts the cgroup hierarchies. */
	static final Path SYSTEM_ROOT = Path.of("/sys/fs/cgroup");

	/** Which cgroups this process is in. */
	static final Path SELF_CGROUP = Path.of("/proc/self/cgroup");

	/**
	 * cgroup v1 says "no limit" with a number near {@code Long.MAX_VALUE}, rounded down
	 * to a page; anything this large is no limit.
	 */
	private static final long UNLIMITED = 1L << 62;

	/**
	 * Read this process's limit from the system's cgroup files.
	 * @return the limit, or empty when there is none or it cannot be read
	 */
	static Optional<CgroupMemoryLimit> ofThisProcess() {
		return read(SYSTEM_ROOT, SELF_CGROUP);
	}

	/**
	 * Read the limit of the cgroups that {@code selfCgroup} names, under a root laid out
	 * like {@code /sys/fs/cgroup}: the v2 hierarchy at the root or, on a hybrid system,
	 * under {@code unified}, and the v1 memory controller under {@code memory}.
	 * @param root the root of the cgroup hierarchies
	 * @param selfCgroup a file laid out like {@code /proc/self/cgroup}
	 * @return the smallest limit found, or empty when there is none or nothing can be
	 * read
	 */
	static Optional<CgroupMemoryLimit> read(Path root, Path selfCgroup) {
		List<String> lines;
		try {
			lines = Files.readAllLines(selfCgroup, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		Optional<CgroupMemoryLimit> smallest = Optional.empty();
		for (String line : lines) {
			// hierarchy-ID:controller-list:cgroup-path
			String[] fields = line.split(":", 3);
			if (fields.length != 3) {
				continue;
			}
			String path = fields[2].startsWith("/") ? fields[2].substring(1) : fields[2];
			if (fields[0].equals("0") && fields[1].isEmpty()) {
				smallest = smaller(smallest, smallestUpFrom(root, path, "memory.max"));
				smallest = smaller(smallest, smallestUpFrom(root.resolve("unified"), path, "memory.max"));
			}
			else if (List.of(fields[1].split(",")).contains("memory")) {
				smallest = smaller(smallest, smallestUpFrom(root.resolve("memory"), path, "memory.limit_in_bytes"));
			}
		}
		return smallest;
	}

	/**
	 * The smallest limit in the cgroup at {@code path} under {@code hierarchy} and its
	 * ancestors.
	 */
	private static Optional<CgroupMemoryLimit> smallestUpFrom(Path hierarchy, String path, String fileName) {
		Optional<CgroupMemoryLimit> smallest = Optional.empty();
		Path cgroup = path.isEmpty() ? hierarchy : hierarchy.resolve(path).normalize();
		while (cgroup != null && cgroup.startsWith(hierarchy)) {
			smallest = smaller(smallest, limitIn(cgroup.resolve(fileName)));
			cgroup = cgroup.getParent();
		}
		return smallest;
	}

	private static Optional<CgroupMemoryLimit> limitIn(Path file) {
		String value;
		try {
			value = Files.readString(file, StandardCharsets.US_ASCII).trim();
		}
		catch (IOException ex) {
			// Absent at this level, or not ours to read: no limit here.
			return Optional.empty();
		}
		if (value.equals("max")) {
			return Optional.empty();
		}
		try {
			long bytes = Long.parseLong(value);
			return (bytes > 0 && bytes < UNLIMITED) ? Optional.of(new CgroupMemoryLimit(bytes, file))
					: Optional.empty();
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	private static Optional<CgroupMemoryLimit> smaller(Optional<CgroupMemoryLimit> a, Optional<CgroupMemoryLimit> b) {
		if (a.isEmpty()) {
			return b;
		}
		if (b.isEmpty()) {
			return a;
		}
		return (b.get().bytes() < a.get().bytes()) ? b : a;
	}

}
