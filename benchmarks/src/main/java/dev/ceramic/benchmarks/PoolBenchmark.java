package dev.ceramic.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.ceramic.channel.ChanOptions;
import dev.ceramic.pool.CallRejectedException;
import dev.ceramic.pool.WorkerCrashedException;
import dev.ceramic.pool.WorkerPool;
import dev.ceramic.pool.WorkerPoolSettings;

/**
 * The worker pool beside its baselines: a proxied call with small arguments beside the
 * same call in process, a raw {@code Chan} round trip and Java RMI to a child JVM; pool
 * throughput with 1, 2 and 4 workers; and the time from a worker's crash until its
 * replacement serves, beside a cold start of a pool. Prints its own Markdown tables.
 */
final class PoolBenchmark {

	static final int BLOCK = 500;

	/**
	 * The restart backoff of the pools here; the default is 100 ms after a crash, which
	 * would measure the backoff rather than the replacement.
	 */
	static final Duration BACKOFF = Duration.ofMillis(1);

	private static final int[] WORKERS = { 1, 2, 4 };

	private static volatile int sink;

	private final int warmup;

	private final int iterations;

	private final int throughputCalls;

	private final int restarts;

	PoolBenchmark(int warmup, int iterations, int throughputCalls, int restarts) {
		this.warmup = warmup;
		this.iterations = iterations;
		this.throughputCalls = throughputCalls;
		this.restarts = restarts;
	}

	/** One way of calling {@code add(i, 1)}. */
	interface Call {

		void call(int i) throws Exception;

	}

	record Latency(String name, Stats stats) {
	}

	record Throughput(int workers, int threads, int calls, long nanos) {

		double perSecond() {
			return this.calls * 1e9 / this.nanos;
		}

	}

	record Restarts(Stats replacement, Stats detected, Stats cold) {
	}

	/**
	 * The call after a crash: with no spare and with one, beside a normal call's p99; and
	 * one worker of two killed beside both killed at once.
	 */
	record Spares(Stats noSpare, Stats oneSpare, long normalP99, Stats oneKilledNext, Stats oneKilledBack,
			Stats bothKilledNext, Stats bothKilledBack) {
	}

	void run() throws Exception {
		List<Latency> latencies = latency();
		List<Throughput> throughputs = new ArrayList<>();
		for (int workers : WORKERS) {
			throughputs.add(throughput(workers));
		}
		Restarts restarts = restarts();
		Spares spares = spares();
		print(latencies, throughputs, restarts);
		print(spares);
	}

	static WorkerPool pool(String name, int workers) {
		return pool(name, workers, workers, 0);
	}

	static WorkerPool pool(String name, int minWorkers, int maxWorkers, int spareWorkers) {
		WorkerPoolSettings settings = WorkerPoolSettings.builder(name)
			.minWorkers(minWorkers)
			.maxWorkers(maxWorkers)
			.spareWorkers(spareWorkers)
			.acquireTimeout(Duration.ofSeconds(30))
			.restartBackoff(BACKOFF, BACKOFF)
			.crashLoopThreshold(1000)
			.javaHome(ChildJava.home())
			.build();
		return WorkerPool.builder(settings).service(Adder.class, Adder.Impl.class).build();
	}

	private static void started(WorkerPool pool) {
		pool.start();
		if (!pool.awaitReady(Duration.ofSeconds(60))) {
			throw new IllegalStateException("Pool " + pool.name() + " did not become ready: " + pool.snapshot());
		}
	}

	private static void check(int result, int i) {
		if (result != i + 1) {
			throw new IllegalStateException("add(" + i + ", 1) returned " + result);
		}
	}

	List<Latency> latency() throws Exception {
		Adder inProcess = new Adder.Impl();
		byte[] message = new byte[4];
		try (WorkerPool pool = pool("bench-latency", 1);
				RoundTripBenchmark.ChanPeer chan = RoundTripBenchmark.ChanPeer.start("raw Chan", ChanOptions.defaults(),
						RoundTripBenchmark.ChanPeer.Mode.UNTIMED);
				RoundTripBenchmark.ChanPeer requestChan = RoundTripBenchmark.ChanPeer.start("Chan request",
						ChanOptions.defaults(), RoundTripBenchmark.ChanPeer.Mode.REQUEST);
				RmiChild<RmiAdderServer.RemoteAdder> rmi = RmiChild.start(RmiAdderServer.RemoteAdder.class,
						RmiAdderServer.class, RmiAdderServer.NAME)) {
			started(pool);
			Adder proxied = pool.proxy(Adder.class);
			String[] names = { "in-process call", "proxied call, 1-worker pool", "raw `Chan` round trip, 4 B",
					"raw `Chan` round trip, 4 B, `sendRequest` and `recv` with a timeout (as a pool call's)",
					"Java RMI to a child JVM" };
			Call[] calls = { (i) -> {
				int result = inProcess.add(i, 1);
				sink = result;
				check(result, i);
			}, (i) -> check(proxied.add(i, 1), i), (i) -> chan.roundTrip(message),
					(i) -> requestChan.roundTrip(message), (i) -> check(rmi.stub().add(i, 1), i) };
			long[][] samples = new long[calls.length][this.iterations];
			interleave(calls, new long[calls.length][BLOCK], this.warmup, true);
			interleave(calls, samples, this.iterations, false);
			List<Latency> results = new ArrayList<>();
			for (int p = 0; p < calls.length; p++) {
				results.add(new Latency(names[p], Stats.of(samples[p], this.iterations)));
			}
			return results;
		}
	}

	private static void interleave(Call[] calls, long[][] samples, int total, boolean wrap) throws Exception {
		int done = 0;
		int block = 0;
		while (done < total) {
			int n = Math.min(BLOCK, total - done);
			int offset = wrap ? 0 : done;
			for (int k = 0; k < calls.length; k++) {
				// Rotate the order, so that no peer always runs right after the same one.
				int p = (k + block) % calls.length;
				Call call = calls[p];
				long[] times = samples[p];
				for (int i = 0; i < n; i++) {
					long start = System.nanoTime();
					call.call(done + i);
					times[offset + i] = System.nanoTime() - start;
				}
			}
			done += n;
			block++;
		}
	}

	Throughput throughput(int workers) throws Exception {
		int threads = 2 * workers;
		try (WorkerPool pool = pool("bench-throughput-" + workers, workers)) {
			started(pool);
			Adder proxied = pool.proxy(Adder.class);
			callInThreads(proxied, threads, Math.max(threads, this.throughputCalls / 4));
			long nanos = callInThreads(proxied, threads, this.throughputCalls);
			return new Throughput(workers, threads, this.throughputCalls - this.throughputCalls % threads, nanos);
		}
	}

	/** {@code calls} calls spread over {@code threads} threads; the wall time. */
	private static long callInThreads(Adder proxied, int threads, int calls) throws Exception {
		int each = calls / threads;
		CountDownLatch go = new CountDownLatch(1);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		List<Thread> started = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread thread = new Thread(() -> {
				try {
					go.await();
					for (int i = 0; i < each; i++) {
						check(proxied.add(i, 1), i);
					}
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
			}, "bench-caller-" + t);
			thread.start();
			started.add(thread);
		}
		long start = System.nanoTime();
		go.countDown();
		for (Thread thread : started) {
			thread.join();
		}
		long nanos = System.nanoTime() - start;
		if (failure.get() != null) {
			throw new IllegalStateException("A caller failed", failure.get());
		}
		return nanos;
	}

	Restarts restarts() throws Exception {
		long[] replacement = new long[this.restarts];
		long[] detected = new long[this.restarts];
		long[] cold = new long[this.restarts];
		try (WorkerPool pool = pool("bench-restart", 1)) {
			started(pool);
			Adder proxied = pool.proxy(Adder.class);
			for (int i = 0; i < 1000; i++) {
				check(proxied.add(i, 1), i);
			}
			// Untimed first: class loading and JIT here, and the start-up cache's one-off
			// work.
			crashAndRecover(proxied, new long[2]);
			cold();
			Thread.sleep(2000);
			for (int run = 0; run < this.restarts; run++) {
				// Alternate which goes first.
				long[] sample = new long[2];
				if (run % 2 == 0) {
					crashAndRecover(proxied, sample);
					cold[run] = cold();
				}
				else {
					cold[run] = cold();
					crashAndRecover(proxied, sample);
				}
				replacement[run] = sample[0];
				detected[run] = sample[1];
			}
		}
		return new Restarts(Stats.of(replacement, this.restarts), Stats.of(detected, this.restarts),
				Stats.of(cold, this.restarts));
	}

	/**
	 * From calling a method that halts the worker until a call succeeds again, and until
	 * the crashing call threw.
	 */
	private static void crashAndRecover(Adder proxied, long[] sample) {
		long start = System.nanoTime();
		try {
			proxied.crash();
			throw new IllegalStateException("crash() returned");
		}
		catch (WorkerCrashedException ex) {
			sample[1] = System.nanoTime() - start;
		}
		while (true) {
			try {
				check(proxied.add(1, 1), 1);
				break;
			}
			catch (CallRejectedException ex) {
				// Not back yet; try again.
			}
		}
		sample[0] = System.nanoTime() - start;
	}

	Spares spares() throws Exception {
		long[] noSpare = new long[this.restarts];
		long[] oneSpare = new long[this.restarts];
		long normalP99;
		// min-workers 1 and max-workers 2 in both: only spare-workers differs.
		try (WorkerPool none = pool("bench-spare-0", 1, 2, 0); WorkerPool one = pool("bench-spare-1", 1, 2, 1)) {
			started(none);
			started(one);
			Adder withNone = none.proxy(Adder.class);
			Adder withOne = one.proxy(Adder.class);
			for (int i = 0; i < 1000; i++) {
				check(withNone.add(i, 1), i);
				check(withOne.add(i, 1), i);
			}
			long[] normal = new long[2000];
			for (int i = 0; i < normal.length; i++) {
				long start = System.nanoTime();
				check(withOne.add(i, 1), i);
				normal[i] = System.nanoTime() - start;
			}
			normalP99 = Stats.of(normal, normal.length).quantile(0.99);
			// Untimed first, as in restarts().
			afterCrash(none, withNone, 1);
			afterCrash(one, withOne, 2);
			for (int run = 0; run < this.restarts; run++) {
				if (run % 2 == 0) {
					noSpare[run] = afterCrash(none, withNone, 1);
					oneSpare[run] = afterCrash(one, withOne, 2);
				}
				else {
					oneSpare[run] = afterCrash(one, withOne, 2);
					noSpare[run] = afterCrash(none, withNone, 1);
				}
			}
		}
		long[][] one = { new long[this.restarts], new long[this.restarts] };
		long[][] both = { new long[this.restarts], new long[this.restarts] };
		try (WorkerPool pool = pool("bench-kill-all", 2, 2, 1)) {
			started(pool);
			Adder proxied = pool.proxy(Adder.class);
			for (int i = 0; i < 1000; i++) {
				check(proxied.add(i, 1), i);
			}
			killed(pool, proxied, 2);
			for (int run = 0; run < this.restarts; run++) {
				long[] first = killed(pool, proxied, (run % 2 == 0) ? 1 : 2);
				long[] second = killed(pool, proxied, (run % 2 == 0) ? 2 : 1);
				long[] ofOne = (run % 2 == 0) ? first : second;
				long[] ofBoth = (run % 2 == 0) ? second : first;
				one[0][run] = ofOne[0];
				one[1][run] = ofOne[1];
				both[0][run] = ofBoth[0];
				both[1][run] = ofBoth[1];
			}
		}
		return new Spares(Stats.of(noSpare, this.restarts), Stats.of(oneSpare, this.restarts), normalP99,
				Stats.of(one[0], this.restarts), Stats.of(one[1], this.restarts), Stats.of(both[0], this.restarts),
				Stats.of(both[1], this.restarts));
	}

	/**
	 * Once the pool has {@code warm} idle workers, crash one through a call; return the
	 * time from the crashing call's exception until the next call succeeds.
	 */
	private static long afterCrash(WorkerPool pool, Adder proxied, int warm) throws InterruptedException {
		awaitIdle(pool, warm);
		try {
			proxied.crash();
			throw new IllegalStateException("crash() returned");
		}
		catch (WorkerCrashedException ex) {
			// What the next call waits for starts now.
		}
		long start = System.nanoTime();
		callUntilServed(proxied);
		return System.nanoTime() - start;
	}

	/**
	 * Once every worker is idle, SIGKILL {@code count} of them at once; return the times
	 * from the kills until the next call succeeds, and until every worker is back.
	 */
	private static long[] killed(WorkerPool pool, Adder proxied, int count) throws Exception {
		int workers = pool.settings().sizing().minWorkers();
		awaitIdle(pool, workers);
		List<ProcessHandle> victims = pool.snapshot(false)
			.workers()
			.stream()
			.limit(count)
			.map((worker) -> ProcessHandle.of(worker.pid()).orElseThrow())
			.toList();
		long start = System.nanoTime();
		victims.forEach(ProcessHandle::destroyForcibly);
		for (ProcessHandle victim : victims) {
			victim.onExit().get(10, TimeUnit.SECONDS);
		}
		callUntilServed(proxied);
		long next = System.nanoTime() - start;
		awaitIdle(pool, workers);
		return new long[] { next, System.nanoTime() - start };
	}

	private static void callUntilServed(Adder proxied) {
		while (true) {
			try {
				check(proxied.add(1, 1), 1);
				return;
			}
			catch (CallRejectedException | WorkerCrashedException ex) {
				// Not back yet, or a call met a worker as it died; try again.
			}
		}
	}

	private static void awaitIdle(WorkerPool pool, int idle) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (pool.snapshot(false).idleWorkers() < idle || pool.snapshot(false).startingWorkers() > 0) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException(
						"Pool " + pool.name() + " has not " + idle + " idle workers: " + pool.snapshot(false));
			}
			Thread.sleep(1);
		}
	}

	/** From building a 1-worker pool until its first call succeeds. */
	private static long cold() {
		long start = System.nanoTime();
		WorkerPool pool = pool("bench-cold", 1);
		try {
			pool.start();
			check(pool.proxy(Adder.class).add(1, 1), 1);
			return System.nanoTime() - start;
		}
		finally {
			pool.close();
		}
	}

	private void print(List<Latency> latencies, List<Throughput> throughputs, Restarts restarts) {
		Stats proxied = latencies.get(1).stats();
		Stats chan = latencies.get(2).stats();
		Stats requestChan = latencies.get(3).stats();
		Stats rmi = latencies.get(4).stats();
		System.out.println();
		System.out.println("### Worker pool: a call with small arguments");
		System.out.println();
		System.out.println(this.iterations + " calls per row after " + this.warmup + " of warm-up, the rows "
				+ "interleaved in blocks of " + BLOCK + " (rotating order). The call is `int add(int, int)`: "
				+ "in process on the implementation; through the proxy of a 1-worker `WorkerPool`; a raw "
				+ "`Chan` round trip of 4 bytes to an echo child (as above), untimed and as a pool call "
				+ "makes it (`sendRequest` and `recv` with timeouts); and Java RMI to a child JVM that "
				+ "exports the same implementation as a `Remote` with a registry on 127.0.0.1. Times in µs.");
		System.out.println();
		System.out.println("| call | p50 | p99 | p50 / proxied | p99 / proxied |");
		System.out.println("| --- | ---: | ---: | ---: | ---: |");
		for (Latency latency : latencies) {
			System.out.println("| " + latency.name() + " | " + micros(latency.stats().median()) + " | "
					+ micros(latency.stats().quantile(0.99)) + " | "
					+ Stats.ratio(latency.stats().median(), proxied.median()) + " | "
					+ Stats.ratio(latency.stats().quantile(0.99), proxied.quantile(0.99)) + " |");
		}
		System.out.println();
		System.out.println("| ratio | value | target |");
		System.out.println("| --- | ---: | ---: |");
		System.out
			.println("| proxied p50 / raw `Chan` p50 | " + Stats.ratio(proxied.median(), chan.median()) + " | ≤ 1.3 |");
		System.out.println("| proxied p50 / `Chan` request p50 (not a target) | "
				+ Stats.ratio(proxied.median(), requestChan.median()) + " | |");
		System.out.println("| RMI p50 / proxied p50 | " + Stats.ratio(rmi.median(), proxied.median()) + " | ≥ 1.5 |");
		System.out.println(
				"| RMI p99 / proxied p99 | " + Stats.ratio(rmi.quantile(0.99), proxied.quantile(0.99)) + " | ≥ 1.5 |");
		System.out.println();
		System.out.println("### Worker pool: throughput");
		System.out.println();
		System.out.println("`add(i, 1)` through the proxy, min-workers = max-workers = N, 2 × N caller threads "
				+ "sharing the calls evenly, after a quarter as many calls of warm-up; wall time from releasing "
				+ "the threads until the last one finished. The parent and the callers have "
				+ Runtime.getRuntime().availableProcessors() + " CPUs, with " + ChildJava.placement() + ".");
		System.out.println();
		System.out.println("| workers | caller threads | calls | wall time (ms) | calls/s | ratio to 1 worker |");
		System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
		double one = throughputs.get(0).perSecond();
		for (Throughput throughput : throughputs) {
			System.out.println("| " + throughput.workers() + " | " + throughput.threads() + " | " + throughput.calls()
					+ " | " + Stats.millis(throughput.nanos()) + " | " + String.format("%.0f", throughput.perSecond())
					+ " | " + String.format("%.2f", throughput.perSecond() / one) + " |");
		}
		System.out.println();
		System.out.println("### Worker pool: crash to replacement serving");
		System.out.println();
		System.out.println("Medians of " + this.restarts + " runs each, interleaved (alternating which goes first). "
				+ "Replacement: in a running 1-worker pool, from calling a method that does `Runtime.halt` until "
				+ "a call succeeds again (calls rejected meanwhile are retried at once). Cold start: from building "
				+ "a 1-worker pool and `start()` until its first call succeeds. Both pools use " + "`restartBackoff("
				+ BACKOFF.toMillis() + " ms, " + BACKOFF.toMillis() + " ms)`; the default "
				+ "backoff waits 100 ms before replacing a crashed worker, which would add to the replacement.");
		System.out.println();
		System.out.println("| what | median (ms) | min–max (ms) | ratio to cold start (replacement target ≤ 1.2) |");
		System.out.println("| --- | ---: | ---: | ---: |");
		long cold = restarts.cold().median();
		System.out.println("| cold start, build + start to first call | " + Stats.millis(cold) + " | "
				+ range(restarts.cold()) + " | 1.00 |");
		System.out.println("| replacement, crash to first successful call | "
				+ Stats.millis(restarts.replacement().median()) + " | " + range(restarts.replacement()) + " | "
				+ Stats.ratio(restarts.replacement().median(), cold) + " |");
		System.out.println("| of which: crash to the crashing call's `WorkerCrashedException` | "
				+ Stats.millis(restarts.detected().median()) + " | " + range(restarts.detected()) + " | "
				+ Stats.ratio(restarts.detected().median(), cold) + " |");
	}

	private void print(Spares spares) {
		System.out.println();
		System.out.println("### Worker pool: crash to next call served");
		System.out.println();
		System.out.println("Medians of " + this.restarts + " runs each, interleaved. Spares: two pools with "
				+ "min-workers 1 and max-workers 2, spare-workers 0 and 1; once the pool is settled (one idle "
				+ "worker, or the worker and its spare), a call does `Runtime.halt`, and the time runs from its "
				+ "`WorkerCrashedException` until the next call succeeds. Normal call: p99 of 2000 calls in the "
				+ "pool with a spare. Killed at once: a pool of 2 workers, one or both SIGKILLed together, from "
				+ "the kill until the next call succeeds and until both workers are back; backoff " + BACKOFF.toMillis()
				+ " ms.");
		System.out.println();
		System.out.println("| what | median (ms) | min–max (ms) | ratio |");
		System.out.println("| --- | ---: | ---: | ---: |");
		System.out.println("| crash to next call served, spare-workers 0 | " + Stats.millis(spares.noSpare().median())
				+ " | " + range(spares.noSpare()) + " | 1.00 |");
		System.out.println("| crash to next call served, spare-workers 1 | " + Stats.millis(spares.oneSpare().median())
				+ " | " + range(spares.oneSpare()) + " | "
				+ Stats.ratio(spares.oneSpare().median(), spares.noSpare().median()) + " of spare 0; "
				+ Stats.ratio(spares.oneSpare().median(), spares.normalP99()) + " of a normal call's p99 "
				+ "(target ≤ 2) |");
		System.out.println("| normal call p99 | " + micros(spares.normalP99()) + " µs | | |");
		System.out.println("| 1 of 2 killed: to next call served | " + Stats.millis(spares.oneKilledNext().median())
				+ " | " + range(spares.oneKilledNext()) + " | |");
		System.out.println("| 1 of 2 killed: to both back | " + Stats.millis(spares.oneKilledBack().median()) + " | "
				+ range(spares.oneKilledBack()) + " | 1.00 |");
		System.out.println("| both killed at once: to next call served | "
				+ Stats.millis(spares.bothKilledNext().median()) + " | " + range(spares.bothKilledNext()) + " | "
				+ Stats.ratio(spares.bothKilledNext().median(), spares.oneKilledBack().median()) + " of one back |");
		System.out.println("| both killed at once: to both back | " + Stats.millis(spares.bothKilledBack().median())
				+ " | " + range(spares.bothKilledBack()) + " | "
				+ Stats.ratio(spares.bothKilledBack().median(), spares.oneKilledBack().median())
				+ " of one back (one by one would be about 2) |");
	}

	private static String micros(long nanos) {
		return String.format("%.2f", nanos / 1000.0);
	}

	private static String range(Stats stats) {
		return Stats.millis(stats.min()) + "–" + Stats.millis(stats.max());
	}

}
