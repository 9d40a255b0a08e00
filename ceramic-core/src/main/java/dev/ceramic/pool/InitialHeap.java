package dev.ceramic.pool;

import java.util.List;
import java.util.Locale;

/**
 * The initial heap of a worker JVM. Left to the JVM, it is a 64th of the machine's memory
 * or all of {@code -Xmx}, whichever is less, and the garbage of the worker's start-up
 * fills it: those pages stay resident while the worker idles. Started at {@value #SMALL},
 * the heap grows only as far as the worker's live data needs. Measured with the sample's
 * Spring workers ({@code -Xmx96m}, serial collector): 84 MiB PSS idle without it, 64 MiB
 * with it, and no slower to start. A pool whose JVM options choose an initial or minimum
 * heap keeps its choice.
 */
final class InitialHeap {

	/** The option for a small initial heap: the JVM's own smallest default. */
	static final String SMALL = "-Xms8m";

	private static final long SMALL_BYTES = 8L * 1024 * 1024;

	private InitialHeap() {
	}

	/**
	 * Whether JVM options choose the initial heap, or make {@value #SMALL} invalid: a
	 * maximum heap below it, or a minimum heap above it.
	 * @param jvmArguments the pool's JVM options
	 * @return whether to leave the initial heap to them
	 */
	static boolean isChosenIn(List<String> jvmArguments) {
		for (String argument : jvmArguments) {
			if (argument.startsWith("-Xms") || argument.startsWith("-XX:InitialHeapSize=")
					|| argument.startsWith("-XX:MinHeapSize=") || argument.startsWith("-XX:InitialRAMPercentage=")
					|| argument.startsWith("-XX:InitialRAMFraction=")) {
				return true;
			}
			String maximum = argument.startsWith("-Xmx") ? argument.substring(4)
					: argument.startsWith("-XX:MaxHeapSize=") ? argument.substring(16) : null;
			if (maximum != null && bytes(maximum) < SMALL_BYTES) {
				return true;
			}
		}
		return false;
	}

	/** A JVM size such as {@code 512m}; 0 if it does not parse, which the JVM refuses. */
	private static long bytes(String size) {
		if (size.isEmpty()) {
			return 0;
		}
		String lower = size.toLowerCase(Locale.ROOT);
		char unit = lower.charAt(lower.length() - 1);
		int shift = switch (unit) {
			case 'k' -> 10;
			case 'm' -> 20;
			case 'g' -> 30;
			case 't' -> 40;
			default -> 0;
		};
		String digits = (shift == 0) ? lower : lower.substring(0, lower.length() - 1);
		try {
			return Long.parseLong(digits) << shift;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
