package dev.ceramic.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import dev.ceramic.process.ProcOptions;

/**
 * Measures ceramic beside its baselines in one run and prints Markdown tables with the
 * ratios. Every comparison runs its peers interleaved in the same JVM, so that noise from
 * other work on the machine falls on both sides alike: compare ratios, not absolute
 * numbers across runs.
 *
 * <p>
 * Run it from the repository root:
 *
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests &amp;&amp; java -jar benchmarks/target/ceramic-benchmarks.jar
 * </pre>
 *
 * Options: {@code --round-trips=N} (default 20000), {@code --warmup=N} (5000),
 * {@code --starts=N} (10), {@code --experiments} (also time start-up variants that are
 * not defaults).
 */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		int roundTrips = 20_000;
		int warmup = 5_000;
		int starts = 10;
		boolean experiments = false;
		boolean skipRoundTrips = false;
		boolean skipStarts = false;
		for (String arg : args) {
			if (arg.startsWith("--round-trips=")) {
				roundTrips = Integer.parseInt(arg.substring("--round-trips=".length()));
			}
			else if (arg.startsWith("--warmup=")) {
				warmup = Integer.parseInt(arg.substring("--warmup=".length()));
			}
			else if (arg.startsWith("--starts=")) {
				starts = Integer.parseInt(arg.substring("--starts=".length()));
			}
			else if (arg.equals("--experiments")) {
				experiments = true;
			}
			else if (arg.equals("--no-round-trips")) {
				skipRoundTrips = true;
			}
			else if (arg.equals("--no-starts")) {
				skipStarts = true;
			}
			else {
				System.err.println("Unknown argument " + arg + "; options: --round-trips=N --warmup=N --starts=N "
						+ "--experiments --no-round-trips --no-starts");
				System.exit(2);
			}
		}
		System.out.println("## ceramic benchmarks");
		System.out.println();
		System.out.println(environment());
		if (!skipRoundTrips) {
			roundTrips(warmup, roundTrips);
		}
		if (!skipStarts) {
			starts(starts, experiments);
		}
		System.out.println();
		System.out.println("Load average after: " + loadAverage());
	}

	private static void roundTrips(int warmup, int iterations) throws Exception {
		List<RoundTripBenchmark.Result> results = new RoundTripBenchmark(warmup, iterations).run(4, 1024);
		System.out.println();
		System.out.println("### Round trip parent → child → parent");
		System.out.println();
		System.out.println(iterations + " round trips per row after " + warmup
				+ " of warm-up, Chan and raw interleaved in blocks of 500. Chan: `send` then `recv` "
				+ "against an echo `ProcMain`. Raw: junixsocket streams over the same kind of socketpair, "
				+ "fixed-size write then read, no framing. Times in µs.");
		System.out.println();
		System.out
			.println("| message | Chan p50 | raw p50 | p50 ratio (target ≤ 1.2) | Chan p99 | raw p99 | p99 ratio |");
		System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
		for (RoundTripBenchmark.Result result : results) {
			long chan50 = result.chan().median();
			long raw50 = result.raw().median();
			long chan99 = result.chan().quantile(0.99);
			long raw99 = result.raw().quantile(0.99);
			System.out.println("| " + size(result.size()) + " | " + Stats.micros(chan50) + " | " + Stats.micros(raw50)
					+ " | " + Stats.ratio(chan50, raw50) + " | " + Stats.micros(chan99) + " | " + Stats.micros(raw99)
					+ " | " + Stats.ratio(chan99, raw99) + " |");
		}
	}

	private static void starts(int runs, boolean experiments) throws Exception {
		List<StartupBenchmark.Variant> variants = new ArrayList<>();
		variants.add(new StartupBenchmark.Variant("ceramic child, defaults", ProcOptions.builder().build()));
		if (experiments) {
			variants.addAll(Experiments.startVariants());
		}
		StartupBenchmark.Results results = new StartupBenchmark(runs).run(variants);
		long bareLine = results.bare().toFirstLine().median();
		long bareExit = results.bare().toExit().median();
		System.out.println();
		System.out.println("### Child start-up");
		System.out.println();
		System.out.println("Medians of " + runs + " starts each, interleaved. Ceramic child: from the `Proc.start` "
				+ "call until the parent's `recv` returns the child's first message. Bare JVM: `java -cp <dir> "
				+ "Hello` started with `ProcessBuilder`, until its first line of standard output and until it "
				+ "has exited. Ratios are to the bare JVM's first line (the stricter baseline) and to its exit. "
				+ "Peak RSS is `VmHWM` from `/proc/<pid>/status`, read when the first message (line) arrived.");
		System.out.println();
		System.out.println("| child | median (ms) | min–max (ms) | ratio to bare first line (target ≤ 3) "
				+ "| ratio to bare exit | peak RSS (MiB) |");
		System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
		System.out.println("| bare JVM, to first line | " + Stats.millis(bareLine) + " | "
				+ range(results.bare().toFirstLine()) + " | 1.00 | " + Stats.ratio(bareLine, bareExit) + " | "
				+ mib(results.bare().peakRssKiB().median()) + " |");
		System.out.println("| bare JVM, to exit | " + Stats.millis(bareExit) + " | " + range(results.bare().toExit())
				+ " | " + Stats.ratio(bareExit, bareLine) + " | 1.00 | " + mib(results.bare().peakRssKiB().median())
				+ " |");
		for (StartupBenchmark.Result result : results.variants()) {
			long median = result.toFirstMessage().median();
			System.out.println("| " + result.name() + " | " + Stats.millis(median) + " | "
					+ range(result.toFirstMessage()) + " | " + Stats.ratio(median, bareLine) + " | "
					+ Stats.ratio(median, bareExit) + " | " + mib(result.peakRssKiB().median()) + " |");
		}
	}

	private static String range(Stats stats) {
		return Stats.millis(stats.min()) + "–" + Stats.millis(stats.max());
	}

	private static String mib(long kib) {
		return String.format("%.1f", kib / 1024.0);
	}

	private static String size(int bytes) {
		return (bytes % 1024 == 0) ? (bytes / 1024) + " KiB" : bytes + " B";
	}

	private static String environment() {
		return "JDK " + Runtime.version() + " (" + System.getProperty("java.vm.name") + "), "
				+ Runtime.getRuntime().availableProcessors() + " CPUs, " + System.getProperty("os.name") + " "
				+ System.getProperty("os.version") + ", " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
				+ ", load average before: " + loadAverage();
	}

	private static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

}
