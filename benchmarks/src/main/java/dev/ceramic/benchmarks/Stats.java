package dev.ceramic.benchmarks;

import java.util.Arrays;

/**
 * Order statistics of a set of samples in nanoseconds.
 */
final class Stats {

	private final long[] sorted;

	private Stats(long[] sorted) {
		this.sorted = sorted;
	}

	static Stats of(long[] samples, int count) {
		long[] copy = Arrays.copyOf(samples, count);
		Arrays.sort(copy);
		return new Stats(copy);
	}

	int count() {
		return this.sorted.length;
	}

	/**
	 * The sample at quantile {@code q} (nearest rank).
	 */
	long quantile(double q) {
		if (this.sorted.length == 0) {
			return 0;
		}
		int rank = (int) Math.ceil(q * this.sorted.length) - 1;
		return this.sorted[Math.max(0, Math.min(this.sorted.length - 1, rank))];
	}

	long median() {
		return quantile(0.5);
	}

	long min() {
		return (this.sorted.length == 0) ? 0 : this.sorted[0];
	}

	long max() {
		return (this.sorted.length == 0) ? 0 : this.sorted[this.sorted.length - 1];
	}

	static String micros(long nanos) {
		return String.format("%.1f", nanos / 1000.0);
	}

	static String millis(long nanos) {
		return String.format("%.1f", nanos / 1_000_000.0);
	}

	static String ratio(long numerator, long denominator) {
		return (denominator == 0) ? "n/a" : String.format("%.2f", (double) numerator / denominator);
	}

}
