package dev.ceramic.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import java.time.Duration;

import dev.ceramic.channel.Chan;
import dev.ceramic.pool.WorkerPool;
import dev.ceramic.pool.WorkerPoolSettings;
import dev.ceramic.process.Proc;
import dev.ceramic.process.ProcOptions;
import org.jspecify.annotations.Nullable;

/**
 * Child start-up: {@code Proc.start} until the child's first message has arrived, beside
 * a bare {@code java -cp DIR Hello}, runs interleaved.
 */
final class StartupBenchmark {

	private final int runs;

	StartupBenchmark(int runs) {
		this.runs = runs;
	}

	/**
	 * A way of starting a ceramic child: a bare {@code Proc}, or, with pool settings, a
	 * pool worker of {@link Adder} timed from {@code start()} until it is ready.
	 */
	record Variant(String name, ProcOptions options, @Nullable WorkerPoolSettings pool) {

		Variant(String name, ProcOptions options) {
			this(name, options, null);
		}

		/**
		 * A pool worker with the start-up cache on or off, in a cache directory of the
		 * benchmark's own.
		 */
		static Variant worker(String name, boolean cache, Path cacheDirectory) {
			WorkerPoolSettings settings = WorkerPoolSettings.builder("bench-" + (cache ? "cached" : "uncached"))
				.minWorkers(1)
				.maxWorkers(1)
				.startupTimeout(Duration.ofSeconds(60))
				.javaHome(ChildJava.home())
				.startupCache(cache, cacheDirectory)
				.build();
			return new Variant(name, settings.launch(), settings);
		}

	}

	record Result(String name, Stats toFirstMessage, Stats peakRssKiB, Stats cpu) {
	}

	record BareResult(Stats toFirstLine, Stats toExit, Stats peakRssKiB, Stats cpu) {
	}

	record Results(BareResult bare, List<Result> variants) {
	}

	Results run(List<Variant> variants) throws Exception {
		Path helloDir = Files.createTempDirectory("ceramic-bench-hello");
		try {
			copyHello(helloDir);
			int kinds = variants.size() + 1;
			long[][] times = new long[kinds][this.runs];
			long[][] rss = new long[kinds][this.runs];
			long[][] cpu = new long[kinds][this.runs];
			long[] bareExit = new long[this.runs];
			// Untimed starts of each first: class loading and JIT in this JVM, and the
			// start-up cache's one-off work (its training JVM runs in the background).
			for (int round = 0; round < 2; round++) {
				bare(helloDir, new long[4]);
				for (Variant variant : variants) {
					ceramic(variant, new long[4]);
				}
				Thread.sleep(2000);
			}
			awaitArchives(variants);
			for (int run = 0; run < this.runs; run++) {
				for (int k = 0; k < kinds; k++) {
					// Rotate the order each run, so that no kind always follows the same
					// one.
					int kind = (k + run) % kinds;
					long[] sample = new long[4];
					if (kind == 0) {
						bare(helloDir, sample);
						bareExit[run] = sample[2];
					}
					else {
						ceramic(variants.get(kind - 1), sample);
					}
					times[kind][run] = sample[0];
					rss[kind][run] = sample[1];
					cpu[kind][run] = sample[3];
				}
			}
			BareResult bare = new BareResult(Stats.of(times[0], this.runs), Stats.of(bareExit, this.runs),
					Stats.of(rss[0], this.runs), Stats.of(cpu[0], this.runs));
			List<Result> results = new ArrayList<>();
			for (int i = 0; i < variants.size(); i++) {
				results.add(new Result(variants.get(i).name(), Stats.of(times[i + 1], this.runs),
						Stats.of(rss[i + 1], this.runs), Stats.of(cpu[i + 1], this.runs)));
			}
			return new Results(bare, results);
		}
		finally {
			try (Stream<Path> files = Files.walk(helloDir)) {
				files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
			}
		}
	}

	/**
	 * Start each pool variant whose cache is on until its workers map a class-data
	 * archive, trained in the background after the first worker (at most a minute).
	 */
	private static void awaitArchives(List<Variant> variants) throws InterruptedException {
		for (Variant variant : variants) {
			WorkerPoolSettings settings = variant.pool();
			if (settings == null || !settings.launch().startupCache()) {
				continue;
			}
			long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
			while (System.nanoTime() < deadline) {
				try (WorkerPool pool = WorkerPool.builder(settings).service(Adder.class, Adder.Impl.class).build()) {
					pool.start();
					pool.awaitReady(Duration.ofSeconds(60));
					long pid = pool.snapshot(false).workers().get(0).pid();
					if (mapsArchive(pid, settings.launch().startupCacheDirectory())) {
						break;
					}
				}
				Thread.sleep(1000);
			}
		}
	}

	private static boolean mapsArchive(long pid, @Nullable Path cache) {
		try (Stream<String> maps = Files.lines(Path.of("/proc", Long.toString(pid), "maps"))) {
			return maps.anyMatch((line) -> cache != null && line.contains(cache.toString()));
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Time to the first message, and the child's peak RSS and CPU time then. */
	private static void ceramic(Variant variant, long[] sample) {
		WorkerPoolSettings settings = variant.pool();
		if (settings != null) {
			long start = System.nanoTime();
			try (WorkerPool pool = WorkerPool.builder(settings).service(Adder.class, Adder.Impl.class).build()) {
				pool.start();
				if (!pool.awaitReady(Duration.ofSeconds(60))) {
					throw new IllegalStateException("The worker of " + variant.name() + " did not get ready");
				}
				sample[0] = System.nanoTime() - start;
				long pid = pool.snapshot(false).workers().get(0).pid();
				sample[1] = peakRssKiB(pid);
				sample[3] = ContextSwitches.cpuNanosOfProcess(pid);
			}
			return;
		}
		Chan chan = Chan.open();
		long start = System.nanoTime();
		try (Proc proc = Proc.start(FirstMessageEntry.class, chan, variant.options())) {
			chan.recv();
			sample[0] = System.nanoTime() - start;
			sample[1] = peakRssKiB(proc.pid());
			sample[3] = ContextSwitches.cpuNanosOfProcess(proc.pid());
		}
	}

	/**
	 * Time to the first line and CPU time then, peak RSS as the child reported it, time
	 * to exit.
	 */
	static void bare(Path helloDir, long[] sample) throws IOException, InterruptedException {
		List<String> command = List.of(ChildJava.executable().toString(), "-cp", helloDir.toString(),
				Hello.class.getName());
		long start = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectError(Redirect.INHERIT).start();
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
			String first = out.readLine();
			sample[0] = System.nanoTime() - start;
			sample[3] = ContextSwitches.cpuNanosOfProcess(process.pid());
			if (!"hello".equals(first)) {
				throw new IllegalStateException("Hello printed " + first);
			}
			String line;
			while ((line = out.readLine()) != null) {
				if (line.startsWith("VmHWM:")) {
					sample[1] = parseKiB(line);
				}

			}
		}
		process.waitFor();
		sample[2] = System.nanoTime() - start;
	}

	static void copyHello(Path dir) throws IOException {
		String resource = Hello.class.getName().replace('.', '/') + ".class";
		Path target = dir.resolve(resource);
		Files.createDirectories(target.getParent());
		try (InputStream in = Hello.class.getClassLoader().getResourceAsStream(resource)) {
			if (in == null) {
				throw new IOException("Cannot find " + resource);
			}
			Files.copy(in, target);
		}
	}

	static long peakRssKiB(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith("VmHWM:")) {
					return parseKiB(line);
				}
			}
		}
		catch (IOException ex) {
			// Not on Linux, or the process is gone.
		}
		return 0;
	}

	private static long parseKiB(String line) {
		String[] parts = line.trim().split("\\s+");
		return Long.parseLong(parts[1]);
	}

}
