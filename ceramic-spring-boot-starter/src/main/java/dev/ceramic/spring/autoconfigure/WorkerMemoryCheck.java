package dev.ceramic.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

import dev.ceramic.pool.WorkerPoolSettings;
import dev.ceramic.process.JvmSize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks at start-up that the pools' workers can fit in the container's memory limit:
 * {@code max-workers} workers of each pool at their maximum heap, plus this application's
 * own maximum heap. It counts heaps only, so a warning means the limit is certainly too
 * small; each JVM needs memory beyond its heap too (metaspace, code, thread stacks).
 */
final class WorkerMemoryCheck {

	private static final Logger logger = LoggerFactory.getLogger(WorkerMemoryCheck.class);

	/** What the JVM sizes its heap by when no option says otherwise. */
	private static final double DEFAULT_MAX_RAM_PERCENTAGE = 25;

	private static final long MIB = 1024 * 1024;

	private WorkerMemoryCheck() {
	}

	/**
	 * Log a warning when the pools' workers cannot fit in this process's cgroup memory
	 * limit; say nothing when there is no limit or it cannot be read.
	 * @param pools the pools' settings
	 */
	static void warnIfWorkersCannotFit(List<WorkerPoolSettings> pools) {
		CgroupMemoryLimit.ofThisProcess()
			.flatMap((limit) -> check(limit, Runtime.getRuntime().maxMemory(), pools))
			.ifPresent(logger::warn);
	}

	/**
	 * Return the warning for pools that cannot fit in a memory limit beside an
	 * application of a given maximum heap, if they cannot.
	 * @param limit the container's memory limit
	 * @param applicationHeap this application's maximum heap in bytes
	 * @param pools the pools' settings
	 * @return the warning, or empty when they fit
	 */
	static Optional<String> check(CgroupMemoryLimit limit, long applicationHeap, List<WorkerPoolSettings> pools) {
		long total = applicationHeap;
		List<String> parts = new ArrayList<>();
		List<String> properties = new ArrayList<>();
		for (WorkerPoolSettings pool : pools) {
			String prefix = "ceramic.pools." + pool.name();
			int workers = pool.sizing().maxWorkers();
			OptionalLong xmx = maxHeap(pool.launch().jvmArguments());
			long heap;
			String source;
			if (xmx.isPresent()) {
				heap = xmx.getAsLong();
				source = "-Xmx " + mib(heap);
			}
			else {
				double percentage = maxRamPercentage(pool.launch().jvmArguments());
				heap = (long) (limit.bytes() * percentage / 100);
				source = "no -Xmx in " + prefix + ".jvm-args, so the JVM's default of " + format(percentage)
						+ "% of the limit, " + mib(heap);
			}
			total += workers * heap;
			parts.add("pool '" + pool.name() + "' " + workers + " workers (max-workers) x " + source + " = "
					+ mib(workers * heap));
			properties.add(prefix + ".max-workers");
			properties.add(prefix + ".jvm-args (-Xmx)");
		}
		if (total <= limit.bytes()) {
			return Optional.empty();
		}
		return Optional.of("ceramic's workers may not fit in this container's memory limit of " + mib(limit.bytes())
				+ " (" + limit.file() + "): " + String.join(", ", parts) + ", plus this application's max heap of "
				+ mib(applicationHeap) + ", is " + mib(total) + " of heap alone, before each JVM's memory beyond "
				+ "its heap; the kernel would kill a process once they grow that far. Lower "
				+ String.join(" or ", properties) + ", or raise the container's memory limit");
	}

	/**
	 * Return the maximum heap the JVM options set, the last one winning as in the JVM.
	 * @param arguments the options
	 * @return the bytes, or empty when none sets it
	 */
	static OptionalLong maxHeap(List<String> arguments) {
		OptionalLong heap = OptionalLong.empty();
		for (String argument : arguments) {
			String size = argument.startsWith("-Xmx") ? argument.substring(4)
					: argument.startsWith("-XX:MaxHeapSize=") ? argument.substring("-XX:MaxHeapSize=".length()) : null;
			if (size != null) {
				Long bytes = JvmSize.parse(size);
				if (bytes != null) {
					heap = OptionalLong.of(bytes);
				}
			}
		}
		return heap;
	}

	private static double maxRamPercentage(List<String> arguments) {
		double percentage = DEFAULT_MAX_RAM_PERCENTAGE;
		for (String argument : arguments) {
			if (argument.startsWith("-XX:MaxRAMPercentage=")) {
				try {
					percentage = Double.parseDouble(argument.substring("-XX:MaxRAMPercentage=".length()));
				}
				catch (NumberFormatException ex) {
					// The worker's JVM will refuse it and say so.
				}
			}
		}
		return percentage;
	}

	private static String mib(long bytes) {
		return (bytes / MIB) + " MiB";
	}

	private static String format(double percentage) {
		return (percentage == Math.rint(percentage)) ? String.valueOf((long) percentage)
				: String.format(Locale.ROOT, "%.1f", percentage);
	}

}
