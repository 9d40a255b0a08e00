package dev.ceramic.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

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
 * Options: {@code --round-trips=N} (default 20000), {@code --warmup=N} (20000),
 * {@code --spin-micros=N} (20; 0 leaves out the row of Chan with its opt-in spinning
 * reader), {@code --starts=N} (10), {@code --experiments} (also time start-up variants
 * that are not defaults), {@code --no-round-trips}, {@code --no-starts}; for the worker
 * pool section, {@code --pool-calls=N} (20000 calls per throughput row),
 * {@code --restarts=N} (5 crash/cold-start pairs) and {@code --no-pool}; for the large
 * {@code byte[]} section, {@code --payload-scale=X} (1; more or fewer round trips) and
 * {@code --no-payloads}; for the {@code InputStream} argument section,
 * {@code --stream-mib=N} (1024 MiB per transfer) and {@code --no-streams}; for the Spring
 * start-up section, {@code --spring-starts=N} (10), {@code --sample-jar=PATH}
 * (sample-app/target/sample-app.jar) and {@code --no-spring-starts}. Run it under
 * {@code taskset -c 0} to put parent and children on one CPU, which removes the cross-CPU
 * wake-up from the round trips and with it most of their run-to-run variance.
 */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		int roundTrips = 20_000;
		int warmup = 20_000;
		int starts = 10;
		boolean experiments = false;
		boolean skipRoundTrips = false;
		boolean skipStarts = false;
		boolean skipPool = false;
		boolean skipPayloads = false;
		boolean skipStreams = false;
		boolean skipSpringStarts = false;
		int springStarts = 10;
		Path sampleJar = Path.of("sample-app", "target", "sample-app.jar");
		long streamMib = 1024;
		double payloadScale = 1;
		int poolCalls = 20_000;
		int restarts = 5;
		Duration spin = Duration.ofNanos(20_000);
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
			else if (arg.startsWith("--spin-micros=")) {
				spin = Duration.ofNanos(1000 * Long.parseLong(arg.substring("--spin-micros=".length())));
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
			else if (arg.startsWith("--pool-calls=")) {
				poolCalls = Integer.parseInt(arg.substring("--pool-calls=".length()));
			}
			else if (arg.startsWith("--restarts=")) {
				restarts = Integer.parseInt(arg.substring("--restarts=".length()));
			}
			else if (arg.equals("--no-pool")) {
				skipPool = true;
			}
			else if (arg.equals("--no-payloads")) {
				skipPayloads = true;
			}
			else if (arg.startsWith("--payload-scale=")) {
				payloadScale = Double.parseDouble(arg.substring("--payload-scale=".length()));
			}
			else if (arg.equals("--no-streams")) {
				skipStreams = true;
			}
			else if (arg.startsWith("--stream-mib=")) {
				streamMib = Long.parseLong(arg.substring("--stream-mib=".length()));
			}
			else if (arg.equals("--no-spring-starts")) {
				skipSpringStarts = true;
			}
			else if (arg.startsWith("--spring-starts=")) {
				springStarts = Integer.parseInt(arg.substring("--spring-starts=".length()));
			}
			else if (arg.startsWith("--sample-jar=")) {
				sampleJar = Path.of(arg.substring("--sample-jar=".length()));
			}
			else if (arg.startsWith("--child-cpus=")) {
				ChildJava.placeOn(arg.substring("--child-cpus=".length()));
			}
			else {
				System.err.println("Unknown argument " + arg + "; options: --round-trips=N --warmup=N --starts=N "
						+ "--spin-micros=N --experiments --no-round-trips --no-starts --pool-calls=N --restarts=N --no-pool --no-payloads --payload-scale=X "
						+ "--no-streams --stream-mib=N --no-spring-starts --spring-starts=N --sample-jar=PATH --child-cpus=LIST");
				System.exit(2);
			}
		}
		System.out.println("## ceramic benchmarks");
		System.out.println();
		System.out.println(environment());
		if (!skipRoundTrips) {
			roundTrips(warmup, roundTrips, spin);
		}
		if (!skipStarts) {
			starts(starts, experiments);
		}
		if (!skipSpringStarts) {
			if (Files.isRegularFile(sampleJar)) {
				new SpringStartupBenchmark(springStarts, sampleJar.toAbsolutePath()).run();
			}
			else {
				System.out.println();
				System.out.println("(Spring start-up section skipped: no " + sampleJar + "; build it with "
						+ "`./mvnw -pl sample-app -am package -DskipTests`, or pass --sample-jar=PATH)");
			}
		}
		if (!skipPool) {
			new PoolBenchmark(warmup, roundTrips, poolCalls, restarts).run();
		}
		if (!skipPayloads) {
			new PayloadBenchmark(payloadScale).run();
		}
		if (!skipStreams) {
			new StreamBenchmark(streamMib).run();
		}
		System.out.println();
		System.out.println("Load average after: " + loadAverage());
	}

	private static void roundTrips(int warmup, int iterations, Duration spin) throws Exception {
		RoundTripBenchmark benchmark = new RoundTripBenchmark(warmup, iterations, spin);
		List<RoundTripBenchmark.Result> results = new ArrayList<>();
		for (int size : new int[] { 4, 1024 }) {
			results.addAll(benchmark.run(size));
		}
		System.out.println();
		System.out.println("### Round trip parent → child → parent");
		System.out.println();
		System.out.println(iterations + " round trips per row, in " + RoundTripBenchmark.ROUNDS + " rounds with "
				+ "fresh child JVMs, each round after " + warmup + " of warm-up; in a round, the rows of one message "
				+ "size ran interleaved in blocks of " + RoundTripBenchmark.BLOCK + ", each against its own child "
				+ "JVM. Chan: `send` then `recv` against an echo `ProcMain`; the reply carries the acknowledgement "
				+ "of the request, and the next request that of the reply. Raw: junixsocket streams over "
				+ "the same kind of socketpair, fixed-size write then read, no framing. Raw, a new array per "
				+ "message: the same, but each side reads every message into a new array, as an API that "
				+ "returns a `byte[]` of its own (as `Chan.recv` does) must. Raw + ACK frames: the "
				+ "same, but with a 10-byte header per message and a 10-byte acknowledgement written by the "
				+ "receiver before it replies: the wire of a send with a timeout, which is acknowledged at once. "
				+ "Chan with a timeout: `send` and `recv` with a 30 s timeout (a pool call is a `sendRequest` "
				+ "instead, acknowledged with the reply; see the pool section). The last "
				+ "row of each size is Chan with its opt-in spinning reader, which polls the socket before it "
				+ "sleeps (CPU for latency; not a default). Times in µs; ratios are to raw.");
		System.out.println();
		System.out.println("| message | peer | p50 | p99 | p50 ratio (Chan target ≤ 1.2) | p99 ratio "
				+ "| context switches per round trip (parent thread + child) | CPU µs per round trip (parent thread + child) |");
		System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
		for (RoundTripBenchmark.Result result : results) {
			RoundTripBenchmark.Result raw = results.stream()
				.filter((r) -> r.size() == result.size() && r.name().equals("raw"))
				.findFirst()
				.orElseThrow();
			long p50 = result.latency().median();
			long p99 = result.latency().quantile(0.99);
			System.out.println("| " + size(result.size()) + " | " + result.name() + " | " + Stats.micros(p50) + " | "
					+ Stats.micros(p99) + " | " + Stats.ratio(p50, raw.latency().median()) + " | "
					+ Stats.ratio(p99, raw.latency().quantile(0.99)) + " | "
					+ String.format("%.2f + %.2f", result.switchesHere(), result.switchesChild()) + " | "
					+ String.format("%.1f + %.1f", result.cpuHere() / 1000, result.cpuChild() / 1000) + " |");
		}
	}

	private static void starts(int runs, boolean experiments) throws Exception {
		List<StartupBenchmark.Variant> variants = new ArrayList<>();
		variants.add(new StartupBenchmark.Variant("ceramic child, defaults", ChildJava.procOptions().build()));
		variants.add(new StartupBenchmark.Variant("ceramic child, `startupCache(false)`",
				ChildJava.procOptions().startupCache(false).build()));
		Path cache = Files.createTempDirectory("ceramic-bench-cache");
		variants.add(StartupBenchmark.Variant.worker("plain pool worker ready, start-up cache off", false, cache));
		variants.add(StartupBenchmark.Variant.worker("plain pool worker ready, start-up cache on (archive trained)",
				true, cache));
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
				+ "Peak RSS is `VmHWM` from `/proc/<pid>/status`, and CPU the time all the child's threads spent "
				+ "on a CPU (`/proc/<pid>/task/*/schedstat`), both when the first message (line) arrived; CPU "
				+ "time depends less on what else the machine runs than wall time does.");
		System.out.println();
		System.out.println("| child | median (ms) | min–max (ms) | ratio to bare first line (target ≤ 3) "
				+ "| ratio to bare exit | peak RSS (MiB) | CPU (ms) | CPU ratio to bare |");
		System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
		long bareCpu = results.bare().cpu().median();
		String bareRss = mib(results.bare().peakRssKiB().median());
		System.out.println("| bare JVM, to first line | " + Stats.millis(bareLine) + " | "
				+ range(results.bare().toFirstLine()) + " | 1.00 | " + Stats.ratio(bareLine, bareExit) + " | " + bareRss
				+ " | " + Stats.millis(bareCpu) + " | 1.00 |");
		System.out.println("| bare JVM, to exit | " + Stats.millis(bareExit) + " | " + range(results.bare().toExit())
				+ " | " + Stats.ratio(bareExit, bareLine) + " | 1.00 | " + bareRss + " | | |");
		for (StartupBenchmark.Result result : results.variants()) {
			long median = result.toFirstMessage().median();
			long cpu = result.cpu().median();
			System.out.println("| " + result.name() + " | " + Stats.millis(median) + " | "
					+ range(result.toFirstMessage()) + " | " + Stats.ratio(median, bareLine) + " | "
					+ Stats.ratio(median, bareExit) + " | " + mib(result.peakRssKiB().median()) + " | "
					+ Stats.millis(cpu) + " | " + Stats.ratio(cpu, bareCpu) + " |");
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
				+ Runtime.getRuntime().availableProcessors() + " CPUs for this JVM, " + ChildJava.placement() + ", "
				+ System.getProperty("os.name") + " " + System.getProperty("os.version") + ", "
				+ Instant.now().truncatedTo(ChronoUnit.SECONDS) + ", load average before: " + loadAverage();
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
