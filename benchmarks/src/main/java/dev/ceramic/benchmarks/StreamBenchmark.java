package dev.ceramic.benchmarks;

import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.ceramic.pool.WorkerPool;
import dev.ceramic.pool.WorkerPoolSettings;

/**
 * Streaming a large {@code InputStream} argument to a 1-worker pool whose worker runs at
 * {@code -Xmx64m}, beside a raw socketpair child ({@link RawEcho.Mode#DRAIN}) that reads
 * the same number of bytes: once from a generated stream (pumped through a pipe) and once
 * from a {@code FileInputStream} (whose descriptor travels). The peers run interleaved,
 * one transfer each in turn, after three rounds of warm-up. Prints its own Markdown
 * table.
 */
final class StreamBenchmark {

	private static final int MIB = 1024 * 1024;

	/** The raw sides' write and read size, and the worker's read size. */
	private static final int CHUNK = 64 * 1024;

	private static final int WARMUP_ROUNDS = 3;

	private static final int RUNS = 3;

	private static final String RAW = "raw socketpair child";

	private static final String GENERATED = "1-worker pool, generated stream";

	private static final String FILE = "1-worker pool, `FileInputStream`";

	private final long length;

	StreamBenchmark(long mib) {
		this.length = mib * MIB;
	}

	/** One peer's way of getting {@code length} bytes to a child, returning its count. */
	interface Transfer {

		long transfer(long length) throws Exception;

	}

	record Row(String peer, Stats stats) {
	}

	void run() throws Exception {
		WorkerPoolSettings settings = WorkerPoolSettings.builder("bench-streams")
			.minWorkers(1)
			.maxWorkers(1)
			.acquireTimeout(Duration.ofSeconds(60))
			.callTimeout(Duration.ofMinutes(10))
			.jvmArguments(List.of("-Xmx64m"))
			.javaHome(ChildJava.home())
			.build();
		Path file = Files.createTempFile("ceramic-bench-stream", ".bin");
		List<Row> rows;
		try {
			write(file, this.length);
			try (WorkerPool pool = WorkerPool.builder(settings).service(Streams.class, Streams.Impl.class).build();
					RawPeer raw = RawPeer.start("raw", CHUNK, RawEcho.Mode.DRAIN)) {
				pool.start();
				if (!pool.awaitReady(Duration.ofSeconds(60))) {
					throw new IllegalStateException("Pool did not become ready: " + pool.snapshot());
				}
				Streams streams = pool.proxy(Streams.class);
				byte[] chunk = new byte[CHUNK];
				List<String> names = List.of(RAW, GENERATED, FILE);
				List<Transfer> peers = List.of((n) -> raw.drain(n, chunk), (n) -> streams.drain(new GeneratedStream(n)),
						(n) -> {
							try (FileInputStream in = new FileInputStream(file.toFile())) {
								return streams.drain(in);
							}
						});
				rows = measure(names, peers);
			}
		}
		finally {
			Files.deleteIfExists(file);
		}
		print(rows);
	}

	private List<Row> measure(List<String> names, List<Transfer> peers) throws Exception {
		long[][] samples = new long[peers.size()][RUNS];
		// One transfer each is not enough: every peer's second and third are still up to
		// 2.5 times slower than the later ones.
		for (int round = 0; round < WARMUP_ROUNDS; round++) {
			for (Transfer peer : peers) {
				check(peer.transfer(this.length));
			}
		}
		// Rotate the order, so that no peer always follows the same one.
		for (int run = 0; run < RUNS; run++) {
			for (int p = 0; p < peers.size(); p++) {
				int index = (p + run) % peers.size();
				long start = System.nanoTime();
				long count = peers.get(index).transfer(this.length);
				samples[index][run] = System.nanoTime() - start;
				check(count);
			}
		}
		List<Row> rows = new ArrayList<>();
		for (int p = 0; p < peers.size(); p++) {
			rows.add(new Row(names.get(p), Stats.of(samples[p], RUNS)));
		}
		return rows;
	}

	private void check(long count) {
		if (count != this.length) {
			throw new IllegalStateException("The child read " + count + " bytes of " + this.length);
		}
	}

	private static void write(Path file, long length) throws Exception {
		byte[] chunk = new byte[CHUNK];
		for (int i = 0; i < CHUNK; i += 4096) {
			chunk[i] = (byte) i;
		}
		try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
			for (long left = length; left > 0; left -= CHUNK) {
				out.write(ByteBuffer.wrap(chunk, 0, (int) Math.min(CHUNK, left)));
			}
			// Else the kernel writes the dirty pages back during the first transfers,
			// slowing every peer; the pages stay in the page cache.
			out.force(true);
		}
	}

	private void print(List<Row> rows) {
		Stats raw = rows.stream().filter((row) -> row.peer().equals(RAW)).findFirst().orElseThrow().stats();
		System.out.println();
		System.out.println("#### A large `InputStream` argument");
		System.out.println();
		System.out.println(describe(this.length) + " to a child per transfer, the peers interleaved (rotating order), "
				+ "after " + WARMUP_ROUNDS + " rounds of warm-up; " + RUNS
				+ " measured each. Raw socketpair child: a bare "
				+ "child JVM reading the bytes with reads of at most 64 KiB and answering with the count, the "
				+ "parent writing one 64 KiB array over and over. 1-worker pool: `long drain(InputStream)` through "
				+ "the proxy of a `WorkerPool` whose worker runs at `-Xmx64m` and reads 64 KiB at a time; a "
				+ "generated stream (whose reads fill nothing) goes through a pipe pumped by the caller, a "
				+ "`FileInputStream` of a temporary file of the same length (written and flushed just before, so in the page "
				+ "cache) as its own descriptor. MiB/s of the median time; ratios are to raw (target ≥ 0.7 for "
				+ "the stream).");
		System.out.println();
		System.out.println("| peer | median (ms) | MiB/s (median) | MiB/s (slowest–fastest) | MiB/s / raw |");
		System.out.println("| --- | ---: | ---: | ---: | ---: |");
		for (Row row : rows) {
			System.out.println("| " + row.peer() + " | " + Stats.millis(row.stats().median()) + " | "
					+ rate(row.stats().median()) + " | " + rate(row.stats().max()) + "–" + rate(row.stats().min())
					+ " | " + Stats.ratio(raw.median(), row.stats().median()) + " |");
		}
		Stats generated = rows.stream().filter((row) -> row.peer().equals(GENERATED)).findFirst().orElseThrow().stats();
		System.out.println();
		System.out.println("| target | measured | target |");
		System.out.println("| --- | ---: | ---: |");
		System.out.println("| pool generated stream MiB/s / raw MiB/s (median) | "
				+ Stats.ratio(raw.median(), generated.median()) + " | ≥ 0.7 |");
	}

	private String rate(long nanos) {
		return String.format("%.0f", this.length / (double) MIB / (nanos / 1e9));
	}

	private static String describe(long bytes) {
		return (bytes % (1024L * MIB) == 0) ? (bytes / (1024L * MIB)) + " GiB" : (bytes / MIB) + " MiB";
	}

	/**
	 * {@code length} bytes that cost nothing to make: a read fills nothing, so that the
	 * pipe alone is measured, as the raw side writes one array over and over.
	 */
	static final class GeneratedStream extends InputStream {

		private long left;

		GeneratedStream(long length) {
			this.left = length;
		}

		@Override
		public int read() {
			if (this.left == 0) {
				return -1;
			}
			this.left--;
			return 0;
		}

		@Override
		public int read(byte[] bytes, int offset, int length) {
			Objects.checkFromIndexSize(offset, length, bytes.length);
			if (length == 0) {
				return 0;
			}
			if (this.left == 0) {
				return -1;
			}
			int n = (int) Math.min(length, this.left);
			this.left -= n;
			return n;
		}

	}

}
