package dev.ceramic.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.ceramic.process.ResourceLimits;
import org.newsclub.net.unix.AFSocket;
import org.newsclub.net.unix.AFSocketCapability;

/**
 * Start-up variants that are not defaults, timed with {@code --experiments}.
 */
final class Experiments {

	private Experiments() {
	}

	static List<StartupBenchmark.Variant> startVariants() {
		List<StartupBenchmark.Variant> variants = new ArrayList<>();
		variants.add(new StartupBenchmark.Variant("ceramic child, cache off, native library override only",
				ChildJava.procOptions()
					.startupCache(false)
					.systemProperty("org.newsclub.net.unix.library.override", extractedLibrary())
					.build()));
		// Every limit set, none of them reached: what /bin/sh's ulimit before the JVM
		// costs.
		variants.add(new StartupBenchmark.Variant("ceramic child, defaults + `limits(...)` (sh ulimit)",
				ChildJava.procOptions()
					.limits(ResourceLimits.none()
						.withDataSize(1L << 30)
						.withCpuTime(Duration.ofHours(1))
						.withOpenFiles(4096)
						.withCoreDumps(false))
					.build()));
		for (String flag : List.of("-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1")) {
			variants.add(new StartupBenchmark.Variant("ceramic child, defaults + `" + flag + "`",
					ChildJava.procOptions().jvmArguments(flag).build()));
		}
		return variants;
	}

	/** junixsocket's native library, extracted by hand into a temporary file. */
	private static String extractedLibrary() {
		try {
			// Loads junixsocket's native library in this JVM, if that has not happened
			// yet.
			AFSocket.supports(AFSocketCapability.CAPABILITY_FD_AS_REDIRECT);
			String loaded = AFSocket.getLoadedLibrary();
			String fileName = System.mapLibraryName(loaded.substring(loaded.lastIndexOf('/') + 1));
			String resource = "lib/" + System.getProperty("os.arch") + "-" + System.getProperty("os.name")
					+ "-clang/jni/" + fileName;
			Path directory = Files.createTempDirectory("ceramic-bench-lib");
			Path target = directory.resolve(fileName);
			try (InputStream in = AFSocket.class.getClassLoader().getResourceAsStream(resource)) {
				Files.copy(Objects.requireNonNull(in, resource), target);
			}
			// Deleted in reverse order: the file, then its directory.
			directory.toFile().deleteOnExit();
			target.toFile().deleteOnExit();
			return target.toString();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
