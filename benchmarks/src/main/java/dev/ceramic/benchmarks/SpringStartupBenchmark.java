package dev.ceramic.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Spring start-up: a bare JVM's hello, a one-bean Spring Boot application to its exit
 * (without and with Spring Boot's documented class data sharing recipe), and the sample
 * application's Spring workers from kill to "worker ready" in four running applications
 * ({@code java -jar} and a flat classpath, start-up cache off and on), interleaved; then
 * the resident and proportional memory of idle Spring workers, two per application.
 */
final class SpringStartupBenchmark {

	private static final Pattern STARTED = Pattern
		.compile("Worker pid (\\d+) of pool 'native' started in (\\d+)ms \\((\\w+)\\)");

	private static final Pattern LAUNCH_MODE = Pattern.compile("start workers from the (.*)$");

	private static final Duration ARCHIVE_WAIT = Duration.ofSeconds(90);

	private final int runs;

	private final Path sampleJar;

	SpringStartupBenchmark(int runs, Path sampleJar) {
		this.runs = runs;
		this.sampleJar = sampleJar;
	}

	void run() throws Exception {
		Path work = Files.createTempDirectory("ceramic-bench-spring");
		List<App> apps = new ArrayList<>();
		try {
			run(work, apps);
		}
		finally {
			for (App app : apps) {
				app.close();
			}
			delete(work);
		}
	}

	private void run(Path work, List<App> apps) throws Exception {
		int feature = Runtime.version().feature();
		boolean aotCache = feature >= 25;
		Path helloDir = Files.createDirectories(work.resolve("hello"));
		StartupBenchmark.copyHello(helloDir);
		// The one-bean app: the benchmark's own jar and its libraries, a flat classpath
		// of jars, and Spring Boot's recipe trained once.
		String oneBeanClasspath = benchmarkClasspath();
		Path oneBeanArchive = work.resolve(aotCache ? "app.aot" : "application.jsa");
		List<String> oneBeanPlain = oneBean(oneBeanClasspath, List.of());
		List<String> oneBeanCached = oneBean(oneBeanClasspath,
				List.of(aotCache ? "-XX:AOTCache=" + oneBeanArchive : "-XX:SharedArchiveFile=" + oneBeanArchive));
		timeToExit(oneBean(oneBeanClasspath, List
			.of(aotCache ? "-XX:AOTCacheOutput=" + oneBeanArchive : "-XX:ArchiveClassesAtExit=" + oneBeanArchive)));
		String oneBeanArchiveNote = Files.isRegularFile(oneBeanArchive) ? ""
				: " (the training run wrote no archive: this row ran without one)";
		// The sample: as java -jar, and extracted to a flat classpath of jars.
		Path extracted = work.resolve("extracted");
		extract(extracted);
		String startClass;
		try (JarFile jar = new JarFile(this.sampleJar.toFile())) {
			startClass = jar.getManifest().getMainAttributes().getValue("Start-Class");
		}
		String flatClasspath = flatClasspath(extracted);
		Path jarCache = Files.createDirectories(work.resolve("cache-jar"));
		Path flatCache = Files.createDirectories(work.resolve("cache-flat"));
		Path offCache = Files.createDirectories(work.resolve("cache-off"));
		List<String> jarCommand = List.of(ChildJava.executable().toString(), "-jar", this.sampleJar.toString());
		List<String> flatCommand = List.of(ChildJava.executable().toString(), "-cp", flatClasspath, startClass);
		apps.add(new App("Spring worker ready, `java -jar`, start-up cache off", jarCommand, false, offCache, 1));
		apps.add(new App("Spring worker ready, `java -jar`, start-up cache on", jarCommand, true, jarCache, 1));
		apps.add(new App("Spring worker ready, flat classpath, start-up cache off", flatCommand, false, offCache, 1));
		apps.add(new App("Spring worker ready, flat classpath, start-up cache on", flatCommand, true, flatCache, 1));
		for (App app : apps) {
			app.awaitStart(Duration.ofSeconds(120));
		}
		// Untimed: a first start of each, then wait for the archives.
		long[] scratch = new long[4];
		StartupBenchmark.bare(helloDir, scratch);
		timeToExit(oneBeanPlain);
		timeToExit(oneBeanCached);
		for (App app : apps) {
			app.killAndAwait();
		}
		for (App app : apps) {
			if (app.cache) {
				app.awaitArchive();
			}
		}
		int kinds = 3 + apps.size();
		long[][] times = new long[kinds][this.runs];
		long[][] rss = new long[kinds][this.runs];
		for (int run = 0; run < this.runs; run++) {
			for (int k = 0; k < kinds; k++) {
				int kind = (k + run) % kinds;
				if (kind == 0) {
					long[] sample = new long[4];
					StartupBenchmark.bare(helloDir, sample);
					times[0][run] = sample[0];
					rss[0][run] = sample[1];
				}
				else if (kind == 1) {
					times[1][run] = timeToExit(oneBeanPlain);
				}
				else if (kind == 2) {
					times[2][run] = timeToExit(oneBeanCached);
				}
				else {
					long[] started = apps.get(kind - 3).killAndAwait();
					times[kind][run] = TimeUnit.MILLISECONDS.toNanos(started[1]);
					rss[kind][run] = StartupBenchmark.peakRssKiB(started[0]);
				}
			}
		}
		List<String> modes = new ArrayList<>();
		for (App app : apps) {
			modes.add(app.name + ": " + app.launchMode);
		}
		for (App app : apps) {
			app.close();
		}
		apps.clear();
		// Memory: two idle workers in each cache-on application.
		App jarMemory = new App("idle Spring worker, `java -jar`, start-up cache on, 2 workers", jarCommand, true,
				jarCache, 2);
		apps.add(jarMemory);
		App flatMemory = new App("idle Spring worker, flat classpath, start-up cache on, 2 workers", flatCommand, true,
				flatCache, 2);
		apps.add(flatMemory);
		long[][] memory = new long[2][];
		for (int i = 0; i < 2; i++) {
			App app = apps.get(i);
			app.awaitStart(Duration.ofSeconds(120));
			app.awaitStart(Duration.ofSeconds(120));
		}
		Thread.sleep(5000);
		for (int i = 0; i < 2; i++) {
			memory[i] = apps.get(i).memoryKiB();
		}
		for (App app : apps) {
			app.close();
		}
		apps.clear();
		report(feature, aotCache, times, rss, modes, memory, oneBeanArchiveNote, List.of(jarMemory, flatMemory));
	}

	private void report(int feature, boolean aotCache, long[][] times, long[][] rss, List<String> modes,
			long[][] memory, String oneBeanArchiveNote, List<App> memoryApps) {
		Stats bare = Stats.of(times[0], this.runs);
		long bareLine = bare.median();
		long bareRss = Stats.of(rss[0], this.runs).median();
		String recipe = aotCache ? "AOT cache (`-XX:AOTCacheOutput`, then `-XX:AOTCache`)"
				: "dynamic CDS archive (`-XX:ArchiveClassesAtExit`, then `-XX:SharedArchiveFile`)";
		System.out.println();
		System.out.println("### Spring start-up, JDK " + Runtime.version());
		System.out.println();
		System.out.println("Medians of " + this.runs + " samples each, interleaved (rotating order). Bare JVM: "
				+ "`java -cp <dir> Hello` to its first line. One-bean app: a `@SpringBootApplication` with one "
				+ "`@Bean`, `-Dspring.context.exit=onRefresh`, from a flat classpath of jars, to its exit, "
				+ "without an archive and with Spring Boot's recipe for this JDK, " + recipe
				+ ", trained once before the timed rounds" + oneBeanArchiveNote + ". Spring worker ready: the "
				+ "sample application running as `java -jar` and from a flat classpath (`-cp` of the jars of "
				+ "`java -Djarmode=tools -jar` ... `extract`), its pool `native` at 1 worker, start-up cache off "
				+ "and on; a sample SIGKILLs the worker and reads the replacement's `started in Nms` DEBUG "
				+ "line (launch until the worker greeted the pool). Peak RSS is `VmHWM` (the bare JVM's as "
				+ "it exits, a worker's when it is ready). Idle workers: two per application, 5 s after both "
				+ "are ready, `VmRSS` and `Pss` (`/proc/<pid>/smaps_rollup`), the mean of the two.");
		System.out.println();
		System.out.println("Launch modes the starter logged: " + String.join("; ", modes) + ".");
		System.out.println();
		System.out.println("| row | median (ms) | min–max (ms) | ratio to bare first line | peak RSS (MiB) "
				+ "| RSS / PSS (MiB) | PSS / bare peak RSS |");
		System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
		String[] names = { "bare JVM hello, to first line", "one-bean Spring Boot app, no archive, to exit",
				"one-bean Spring Boot app, " + (aotCache ? "AOT cache" : "CDS archive") + ", to exit" };
		long[] medians = new long[times.length];
		for (int kind = 0; kind < times.length; kind++) {
			Stats stats = Stats.of(times[kind], this.runs);
			medians[kind] = stats.median();
			String name = (kind < 3) ? names[kind] : this.appNames.get(kind - 3);
			long peak = Stats.of(rss[kind], this.runs).median();
			System.out.println("| " + name + " | " + Stats.millis(stats.median()) + " | " + Stats.millis(stats.min())
					+ "–" + Stats.millis(stats.max()) + " | " + Stats.ratio(stats.median(), bareLine) + " | "
					+ ((peak > 0) ? mib(peak) : "") + " | | |");
		}
		for (int i = 0; i < memory.length; i++) {
			System.out.println("| " + memoryApps.get(i).name + " | | | | | " + mib(memory[i][0]) + " / "
					+ mib(memory[i][1]) + " | " + Stats.ratio(memory[i][1], bareRss) + " |");
		}
		double readyTarget = (feature >= 25) ? 6 : 8;
		long flatOn = medians[6];
		long jarOn = medians[4];
		System.out.println();
		System.out.println("| ratio | measured | target | |");
		System.out.println("| --- | ---: | ---: | --- |");
		target("Spring worker ready (flat, cache on) / bare hello first line", flatOn, bareLine, readyTarget);
		target("`java -jar` worker ready / flat worker ready (cache on)", jarOn, flatOn, 1.2);
		for (int i = 0; i < memory.length; i++) {
			target("idle Spring worker PSS / bare JVM peak RSS (" + (i == 0 ? "`java -jar`" : "flat") + ", cache on)",
					memory[i][1], bareRss, 2);
		}
		System.out.println("| one-bean app, no archive / bare hello (reference) | " + Stats.ratio(medians[1], bareLine)
				+ " | | |");
		System.out.println("| one-bean app, " + (aotCache ? "AOT cache" : "CDS archive")
				+ " / bare hello (reference) | " + Stats.ratio(medians[2], bareLine) + " | | |");
		System.out.println("| Spring worker ready (flat, cache on) / one-bean app with archive (reference) | "
				+ Stats.ratio(flatOn, medians[2]) + " | | |");
		System.out.println("| Spring worker ready (flat), cache on / cache off (reference) | "
				+ Stats.ratio(flatOn, medians[5]) + " | | |");
	}

	private final List<String> appNames = List.of("Spring worker ready, `java -jar`, start-up cache off",
			"Spring worker ready, `java -jar`, start-up cache on",
			"Spring worker ready, flat classpath, start-up cache off",
			"Spring worker ready, flat classpath, start-up cache on");

	private static void target(String name, long numerator, long denominator, double target) {
		boolean met = denominator != 0 && (double) numerator / denominator <= target;
		System.out.println("| " + name + " | " + Stats.ratio(numerator, denominator) + " | ≤ " + target + " | "
				+ (met ? "met" : "missed") + " |");
	}

	private static String mib(long kib) {
		return String.format("%.1f", kib / 1024.0);
	}

	private static List<String> oneBean(String classpath, List<String> archive) {
		List<String> command = new ArrayList<>();
		command.add(ChildJava.executable().toString());
		command.addAll(archive);
		command.add("-Dspring.context.exit=onRefresh");
		command.add("-cp");
		command.add(classpath);
		command.add(OneBeanApp.class.getName());
		return command;
	}

	/** Start a JVM and time it until it has exited; its output is discarded. */
	private static long timeToExit(List<String> command) throws IOException, InterruptedException {
		long start = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(Redirect.DISCARD)
			.start();
		int status = process.waitFor();
		long elapsed = System.nanoTime() - start;
		if (status != 0) {
			throw new IllegalStateException(String.join(" ", command) + " exited with " + status);
		}
		return elapsed;
	}

	private void extract(Path destination) throws IOException, InterruptedException {
		List<String> command = List.of(ChildJava.executable().toString(), "-Djarmode=tools", "-jar",
				this.sampleJar.toString(), "extract", "--destination", destination.toString());
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(Redirect.DISCARD)
			.start();
		if (process.waitFor() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " failed");
		}
	}

	/** The extracted application's jar and then its libraries, as one flat classpath. */
	private String flatClasspath(Path extracted) throws IOException {
		List<String> jars = new ArrayList<>();
		jars.add(extracted.resolve(this.sampleJar.getFileName()).toString());
		try (Stream<Path> lib = Files.list(extracted.resolve("lib"))) {
			lib.filter((path) -> path.toString().endsWith(".jar"))
				.sorted()
				.forEach((path) -> jars.add(path.toString()));
		}
		return String.join(File.pathSeparator, jars);
	}

	/** This benchmark's jar and the libraries its manifest names, as plain jars. */
	private static String benchmarkClasspath() throws IOException {
		Path jar = Path.of(System.getProperty("java.class.path").split(File.pathSeparator)[0]).toAbsolutePath();
		List<String> jars = new ArrayList<>();
		jars.add(jar.toString());
		Path parent = jar.getParent();
		if (parent != null) {
			try (Stream<Path> lib = Files.list(parent.resolve("lib"))) {
				jars.addAll(lib.filter((path) -> path.toString().endsWith(".jar"))
					.map(Path::toString)
					.sorted()
					.collect(Collectors.toList()));
			}
		}
		return String.join(File.pathSeparator, jars);
	}

	private static void delete(Path dir) {
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// A temporary directory; best effort.
		}
	}

	/** A running sample application whose worker starts are read from its log. */
	private static final class App implements AutoCloseable {

		final String name;

		final boolean cache;

		final Path cacheDirectory;

		private final Process process;

		private final BlockingQueue<long[]> started = new LinkedBlockingQueue<>();

		private final Deque<String> tail = new ArrayDeque<>();

		private final List<Long> workers = new ArrayList<>();

		volatile String launchMode = "(not logged)";

		App(String name, List<String> java, boolean cache, Path cacheDirectory, int workers) throws IOException {
			this.name = name;
			this.cache = cache;
			this.cacheDirectory = cacheDirectory;
			List<String> command = new ArrayList<>(java);
			command.addAll(List.of("--server.port=0", "--ceramic.pools.native.min-workers=" + workers,
					"--ceramic.pools.native.max-workers=" + workers, "--ceramic.pools.native.spare-workers=0",
					"--ceramic.pools.native.startup-timeout=120s", "--logging.level.dev.ceramic.pool.WorkerPool=DEBUG",
					"--logging.level.dev.ceramic.pool.Supervisor=DEBUG", "--ceramic.startup-cache.enabled=" + cache,
					"--ceramic.startup-cache.directory=" + cacheDirectory));
			this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
			Thread reader = new Thread(this::read, "log of " + name);
			reader.setDaemon(true);
			reader.start();
		}

		private void read() {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					synchronized (this.tail) {
						this.tail.addLast(line);
						if (this.tail.size() > 40) {
							this.tail.removeFirst();
						}
					}
					Matcher started = STARTED.matcher(line);
					if (started.find()) {
						this.started
							.add(new long[] { Long.parseLong(started.group(1)), Long.parseLong(started.group(2)) });
					}
					Matcher mode = LAUNCH_MODE.matcher(line);
					if (mode.find()) {
						this.launchMode = mode.group(1).trim();
					}
				}
			}
			catch (IOException ex) {
				// The application is gone.
			}
		}

		/** Wait for the next worker start: its pid and start-up time in ms. */
		long[] awaitStart(Duration timeout) throws InterruptedException {
			long[] next = this.started.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (next == null) {
				String log;
				synchronized (this.tail) {
					log = String.join("\n", this.tail);
				}
				throw new IllegalStateException(
						"No worker start of " + this.name + " in " + timeout + "; log:\n" + log);
			}
			synchronized (this.workers) {
				this.workers.add(next[0]);
			}
			return next;
		}

		long currentWorker() {
			synchronized (this.workers) {
				return this.workers.get(this.workers.size() - 1);
			}
		}

		/** SIGKILL the current worker and wait for its replacement. */
		long[] killAndAwait() throws InterruptedException {
			long pid = currentWorker();
			ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
			long[] next = awaitStart(Duration.ofSeconds(60));
			// Let the replacement settle, so that the next kill is not taken for a crash
			// loop.
			Thread.sleep(300);
			return next;
		}

		/**
		 * Replace the worker until one maps the start-up cache's archive, at most 90 s.
		 */
		void awaitArchive() throws InterruptedException {
			long deadline = System.nanoTime() + ARCHIVE_WAIT.toNanos();
			while (!mapsArchive(currentWorker())) {
				if (System.nanoTime() > deadline) {
					System.out.println("(" + this.name + ": no worker mapped an archive of " + this.cacheDirectory
							+ " within " + ARCHIVE_WAIT.toSeconds() + " s)");
					return;
				}
				Thread.sleep(2000);
				killAndAwait();
			}
		}

		boolean mapsArchive(long pid) {
			try (Stream<String> maps = Files.lines(Path.of("/proc", Long.toString(pid), "maps"))) {
				return maps.anyMatch((line) -> line.contains(this.cacheDirectory.toString()));
			}
			catch (IOException | RuntimeException ex) {
				return false;
			}
		}

		/** Mean VmRSS and Pss (KiB) of the live workers. */
		long[] memoryKiB() {
			List<Long> pids;
			synchronized (this.workers) {
				pids = new ArrayList<>(this.workers);
			}
			long rss = 0;
			long pss = 0;
			int count = 0;
			for (long pid : pids) {
				long workerRss = field(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
				long workerPss = field(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
				if (workerRss > 0 && workerPss > 0) {
					if (!mapsArchive(pid)) {
						System.out.println("(" + this.name + ": worker " + pid + " maps no archive)");
					}
					rss += workerRss;
					pss += workerPss;
					count++;
				}
			}
			return (count == 0) ? new long[] { 0, 0 } : new long[] { rss / count, pss / count };
		}

		private static long field(Path file, String name) {
			try {
				for (String line : Files.readAllLines(file)) {
					if (line.startsWith(name)) {
						return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				// The process is gone.
			}
			return 0;
		}

		@Override
		public void close() throws InterruptedException {
			List<ProcessHandle> descendants = this.process.descendants().collect(Collectors.toList());
			this.process.destroy();
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			for (ProcessHandle descendant : descendants) {
				try {
					descendant.onExit().get(10, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					descendant.destroyForcibly();
					System.out.println("(" + this.name + ": worker " + descendant.pid() + " outlived its application)");
				}
			}
		}

	}

}
