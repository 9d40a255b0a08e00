package dev.ceramic.pool;

import java.util.List;

import dev.ceramic.process.JvmSize;

/**
 * The initial heap of a worker JVM. Left to the JVM, it is a 64th of the machine's memory
 * or all of {@code -Xmx}, whichever is less, and the garbage of the worker's start-up
 * fills it: those pages stay resident while the worker idles. Started at {@value #SMALL},
 * the heap grows only as far as the worker's data needs; and as it would not have shrunk
 * from a large start either, it does not shrink after it grew ({@value #NO_SHRINKING}): a
 * worker whose calls carry 64 MiB arrays would otherwise grow its heap again on every
 * call, measured at 5 to 7 times the round trip of 64 and 256 MiB values. Measured with
 * the sample's Spring workers ({@code -Xmx96m}, serial collector): 84 MiB PSS idle
 * without these options, 64 MiB with them, and no slower to start. A pool whose JVM
 * options choose an initial or minimum heap keeps its choice.
 */
final class InitialHeap {

	/** The option for a small initial heap: the JVM's own smallest default. */
	static final String SMALL = "-Xms8m";

	/** The option that keeps the heap at its high-water mark. */
	static final String NO_SHRINKING = "-XX:MaxHeapFreeRatio=100";

	/** The options ceramic adds. */
	static final String[] OPTIONS = { SMALL, NO_SHRINKING };

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
			Long bytes = (maximum != null) ? JvmSize.parse(maximum) : null;
			if (maximum != null && (bytes == null || bytes < SMALL_BYTES)) {
				return true;
			}
		}
		return false;
	}

}
