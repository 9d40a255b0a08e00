package dev.ceramic.test.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.ceramic.pool.CallInterceptor;
import dev.ceramic.pool.PoolSnapshot;
import dev.ceramic.pool.WorkerPool;

/**
 * The {@code main} of a JVM on JDK 21 or later, where asynchronous calls run on virtual
 * threads: it makes one call, cancels another once it holds the worker, makes one more,
 * and prints what it saw as {@code async-virtual: key=value} lines. An interrupt closes
 * the socket a virtual thread is blocked on, so this is where a cancelled call could be
 * mistaken for a crash.
 * <p>
 * Argument: a directory for a file that is never created.
 */
public final class AsyncCallsOnVirtualThreads {

	/** The start of each line of the report. */
	public static final String REPORT = "async-virtual: ";

	private AsyncCallsOnVirtualThreads() {
	}

	public static void main(String[] args) throws Exception {
		AtomicReference<Thread> callThread = new AtomicReference<>();
		CallInterceptor recordThread = (call, next) -> {
			callThread.set(Thread.currentThread());
			return next.proceed();
		};
		WorkerPool pool = WorkerPool
			.builder(TestPools.settings("async-virtual").callTimeout(Duration.ofMinutes(10)).build())
			.service(AsyncService.class, AsyncServiceImpl.class)
			.interceptor(recordThread)
			.build();
		try {
			pool.start();
			if (!pool.awaitReady(TestPools.PATIENCE)) {
				throw new IllegalStateException("The pool did not get ready: " + pool.snapshot(false));
			}
			AsyncService service = pool.proxy(AsyncService.class);
			report("value", service.echo("v").get(1, TimeUnit.MINUTES));
			report("virtual", Thread.class.getMethod("isVirtual").invoke(callThread.get()));
			long pid = service.pid();
			callThread.set(null);
			CompletableFuture<Long> call = service.awaitFile(Path.of(args[0], "never").toString());
			// Past the send, which the worker acknowledges within 33 ms: the thread waits
			// for the reply, in the socket read that the interrupt closes.
			await(() -> callThread.get() != null && isReceiving(callThread.get()));
			report("cancelled", call.cancel(true));
			await(() -> ProcessHandle.of(pid).map((process) -> !process.isAlive()).orElse(true));
			report("after", service.echo("a").get(1, TimeUnit.MINUTES));
			report("replaced", service.pid() != pid);
			PoolSnapshot snapshot = pool.snapshot(false);
			report("timeouts", snapshot.timeouts());
			report("crashes", snapshot.crashes());
		}
		finally {
			pool.close();
		}
	}

	private static boolean isReceiving(Thread thread) {
		return Arrays.stream(thread.getStackTrace())
			.anyMatch((frame) -> frame.getClassName().equals("dev.ceramic.channel.Chan")
					&& frame.getMethodName().startsWith("recv"));
	}

	private static void report(String key, Object value) {
		System.out.println(REPORT + key + "=" + value);
	}

	private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TestPools.PATIENCE.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Gave up waiting");
			}
			Thread.sleep(20);
		}
	}

}
