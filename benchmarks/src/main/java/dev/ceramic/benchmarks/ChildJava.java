package dev.ceramic.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

import dev.ceramic.process.ProcOptions;
import org.jspecify.annotations.Nullable;

/**
 * The {@code java} that every child JVM of a benchmark run is started with: this JVM's
 * own, or, with {@code --child-cpus}, a wrapper that starts it with {@code taskset} on
 * the given CPUs.
 *
 * <p>
 * On a 2-CPU virtual machine a round trip costs twice as much when the two processes sit
 * on different CPUs (each wake-up crosses the hypervisor), and left to itself the
 * scheduler places each parent and child pair as it likes, differently for each row. With
 * the parent pinned ({@code taskset -c 0 java -jar ...}) and the children on the other
 * CPU, every peer runs across CPUs, the same for all rows.
 */
final class ChildJava {

	private static @Nullable Path home;

	private static @Nullable String cpus;

	private ChildJava() {
	}

	/** Start every child on {@code cpuList} (taskset syntax, for example {@code 1}). */
	static synchronized void placeOn(String cpuList) throws IOException {
		if (!cpuList.matches("[0-9,-]+")) {
			throw new IllegalArgumentException("--child-cpus takes a CPU list such as 1 or 2-3, not " + cpuList);
		}
		Path dir = Files.createTempDirectory("ceramic-bench-java");
		Path bin = Files.createDirectories(dir.resolve("bin"));
		Path java = bin.resolve("java");
		Files.writeString(java,
				"#!/bin/sh\nexec taskset -c " + cpuList + " '" + ProcOptions.currentJava() + "' \"$@\"\n");
		Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
		Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
		home = dir;
		cpus = cpuList;
	}

	/** The executable to start a child JVM with. */
	static synchronized Path executable() {
		return (home != null) ? home.resolve("bin").resolve("java") : ProcOptions.currentJava();
	}

	/** The Java home a pool's workers start from, or null for this JVM's. */
	static synchronized @Nullable Path home() {
		return home;
	}

	/** ProcOptions that start the child with {@link #executable()}. */
	static ProcOptions.Builder procOptions() {
		return ProcOptions.builder().javaExecutable(executable());
	}

	/** Where children run, for the report. */
	static synchronized String placement() {
		return (cpus != null) ? "child JVMs on CPU " + cpus + " (`--child-cpus`)"
				: "child JVMs placed by the scheduler";
	}

	private static void delete(Path dir) {
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// A temporary directory; best effort.
		}
	}

}
