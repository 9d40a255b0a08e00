package dev.ceramic.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.ceramic.pool.WorkerPool;
import dev.ceramic.pool.WorkerPoolSettings;

/**
 * Large {@code byte[]} round trips: through a 1-worker pool (whose values from 256 KiB up
 * travel in shared memory), beside the raw socketpair echo of {@link RawEcho} (plain
 * junixsocket streams, reads of at most 64 KiB), a {@code memcpy} floor in process, and
 * Java RMI to a child JVM where it can carry the size. The peers of a size run
 * interleaved, a block each in turn. Prints its own Markdown table.
 */
final class PayloadBenchmark {

	private static final int KIB = 1024;

	private static final int MIB = 1024 * KIB;

	private static final int[] SIZES = { KIB, MIB, 16 * MIB, 64 * MIB, 256 * MIB };

	/** RMI's serialization holds several copies of a value: it is left out above this. */
	private static final int RMI_MAX = 64 * MIB;

	/** Near the largest {@code max-frame-size}: only the threshold decides the path. */
	private static final long MAX_FRAME_SIZE = Integer.MAX_VALUE - 16L * KIB;

	private static volatile int sink;

	private final double scale;

	PayloadBenchmark(double scale) {
		this.scale = scale;
	}

	/** One peer's way of sending bytes there and back. */
	interface RoundTrip {

		byte[] roundTrip(byte[] message) throws Exception;

	}

	record Row(int size, String peer, Stats stats) {
	}

	void run() throws Exception {
		List<Row> rows = new ArrayList<>();
		WorkerPoolSettings settings = WorkerPoolSettings.builder("bench-payloads")
			.minWorkers(1)
			.maxWorkers(1)
			.acquireTimeout(Duration.ofSeconds(60))
			.callTimeout(Duration.ofMinutes(2))
			.maxFrameSize(MAX_FRAME_SIZE)
			.jvmArguments(List.of("-Xmx1g"))
			.javaHome(ChildJava.home())
			.build();
		try (WorkerPool pool = WorkerPool.builder(settings).service(Payloads.class, Payloads.Impl.class).build();
				RmiChild<RmiEchoServer.RemoteEcho> rmi = RmiChild.start(RmiEchoServer.RemoteEcho.class,
						RmiEchoServer.class, RmiEchoServer.NAME, "-Xmx1g")) {
			pool.start();
			if (!pool.awaitReady(Duration.ofSeconds(60))) {
				throw new IllegalStateException("Pool did not become ready: " + pool.snapshot());
			}
			Payloads proxied = pool.proxy(Payloads.class);
			for (int size : SIZES) {
				try (RawPeer raw = RawPeer.start("raw", size, RawEcho.Mode.PLAIN)) {
					byte[] copy = new byte[size];
					byte[] back = new byte[size];
					List<String> names = new ArrayList<>(List.of("1-worker pool", "raw socketpair echo",
							"`System.arraycopy` there and back, in process"));
					List<RoundTrip> peers = new ArrayList<>(List.of(proxied::echo, (message) -> {
						raw.roundTrip(message);
						return message;
					}, (message) -> {
						System.arraycopy(message, 0, copy, 0, size);
						System.arraycopy(copy, 0, back, 0, size);
						return back;
					}));
					if (size <= RMI_MAX) {
						names.add("Java RMI to a child JVM");
						peers.add(rmi.stub()::echo);
					}
					rows.addAll(measure(size, names, peers));
				}
			}
		}
		print(rows);
	}

	private List<Row> measure(int size, List<String> names, List<RoundTrip> peers) throws Exception {
		int rounds = rounds(size);
		int block = Math.max(1, (int) Math.round(this.scale * Math.max(1, 64 * MIB / 16 / size)));
		byte[] message = new byte[size];
		for (int i = 0; i < size; i += 4096) {
			message[i] = (byte) i;
		}
		long[][] samples = new long[peers.size()][rounds * block];
		// Warm up each peer once, then alternate blocks.
		for (RoundTrip peer : peers) {
			for (int i = 0; i < block; i++) {
				check(peer.roundTrip(message), size);
			}
		}
		for (int round = 0; round < rounds; round++) {
			for (int p = 0; p < peers.size(); p++) {
				RoundTrip peer = peers.get((p + round) % peers.size());
				int index = (p + round) % peers.size();
				for (int i = 0; i < block; i++) {
					long start = System.nanoTime();
					byte[] reply = peer.roundTrip(message);
					samples[index][round * block + i] = System.nanoTime() - start;
					check(reply, size);
				}
			}
		}
		List<Row> rows = new ArrayList<>();
		for (int p = 0; p < peers.size(); p++) {
			rows.add(new Row(size, names.get(p), Stats.of(samples[p], rounds * block)));
		}
		return rows;
	}

	private int rounds(int size) {
		return Math.max(3, (int) Math.round(this.scale * ((size >= 64 * MIB) ? 3 : 5)));
	}

	private static void check(byte[] reply, int size) {
		if (reply.length != size) {
			throw new IllegalStateException("A reply of " + reply.length + " bytes to " + size);
		}
		sink += reply[reply.length / 2];
	}

	private static void print(List<Row> rows) {
		System.out.println();
		System.out.println("#### Large `byte[]` round trips");
		System.out.println();
		System.out
			.println("`byte[] echo(byte[])` round trips, the peers of a size interleaved in blocks (rotating order), "
					+ "after a block of warm-up each. 1-worker pool: the proxy of a `WorkerPool` (worker `-Xmx1g`, "
					+ "`max-frame-size` 2 GiB so that only `large-value-threshold` decides), whose `byte[]` values from "
					+ "256 KiB up travel in shared memory. Raw socketpair echo: a bare child JVM echoing over plain "
					+ "junixsocket streams, each read asking for at most 64 KiB. `System.arraycopy`: two copies in "
					+ "process, the floor of any round trip. Java RMI: a child JVM exporting the same echo, up to 64 MiB. "
					+ "Times in ms; ratios are to the raw echo.");
		System.out.println();
		System.out.println("| size | peer | round trips | p50 (ms) | min (ms) | MiB/s (size / p50) | p50 / raw |");
		System.out.println("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
		for (Row row : rows) {
			Stats raw = rows.stream()
				.filter((other) -> other.size() == row.size() && other.peer().equals("raw socketpair echo"))
				.findFirst()
				.orElseThrow()
				.stats();
			double mibPerSecond = row.size() / (double) MIB / (row.stats().median() / 1e9);
			System.out.println("| " + describe(row.size()) + " | " + row.peer() + " | " + row.stats().count() + " | "
					+ String.format("%.3f", row.stats().median() / 1e6) + " | "
					+ String.format("%.3f", row.stats().min() / 1e6) + " | " + String.format("%.0f", mibPerSecond)
					+ " | " + Stats.ratio(row.stats().median(), raw.median()) + " |");
		}
		System.out.println();
		Stats pool16 = find(rows, 16 * MIB, "1-worker pool");
		Stats pool256 = find(rows, 256 * MIB, "1-worker pool");
		Stats pool64 = find(rows, 64 * MIB, "1-worker pool");
		Stats raw64 = find(rows, 64 * MIB, "raw socketpair echo");
		Stats pool1 = find(rows, MIB, "1-worker pool");
		Stats raw1 = find(rows, MIB, "raw socketpair echo");
		System.out.println("| target | measured | target |");
		System.out.println("| --- | ---: | ---: |");
		System.out
			.println("| raw / pool at 64 MiB (p50) | " + Stats.ratio(raw64.median(), pool64.median()) + " | ≥ 2 |");
		System.out
			.println("| pool / raw at 1 MiB (p50) | " + Stats.ratio(pool1.median(), raw1.median()) + " | ≤ 1.5 |");
		System.out.println("| pool 256 MiB / 16 MiB (p50) | " + Stats.ratio(pool256.median(), pool16.median())
				+ " | ≤ 20 (16 is linear) |");
	}

	private static Stats find(List<Row> rows, int size, String peer) {
		return rows.stream()
			.filter((row) -> row.size() == size && row.peer().equals(peer))
			.findFirst()
			.orElseThrow()
			.stats();
	}

	private static String describe(int size) {
		return (size >= MIB) ? (size / MIB) + " MiB" : (size / KIB) + " KiB";
	}

}
