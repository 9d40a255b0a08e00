package dev.ceramic.pool;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The threads on which a pool runs the calls of methods that return a future or a
 * {@code Mono}, so that their callers never wait: a virtual thread per call where the JDK
 * has them (21 and later, found at run time), otherwise daemon threads, at most one per
 * call the pool can hold at once ({@code max-workers} running and
 * {@code max-queued-calls} waiting), that stop after a minute idle. Each thread runs the
 * blocking call as a caller's thread would, so the call's timeout, the pool's queue and
 * its exceptions are the same.
 */
final class AsyncCalls {

	private static final Duration IDLE_THREAD_TIMEOUT = Duration.ofMinutes(1);

	private final String poolName;

	private final ExecutorService executor;

	private final boolean virtual;

	private AsyncCalls(String poolName, ExecutorService executor, boolean virtual) {
		this.poolName = poolName;
		this.executor = executor;
		this.virtual = virtual;
	}

	/**
	 * Make the threads of a pool's asynchronous calls; platform threads are started only
	 * when calls need them.
	 * @param settings the pool's settings
	 * @return the threads
	 */
	static AsyncCalls create(WorkerPoolSettings settings) {
		String prefix = "ceramic-" + settings.name() + "-call-";
		ExecutorService virtual = virtualThreadPerCall(prefix);
		if (virtual != null) {
			return new AsyncCalls(settings.name(), virtual, true);
		}
		int most = settings.sizing().maxWorkers() + settings.queue().maxQueuedCalls();
		ThreadPoolExecutor platform = new ThreadPoolExecutor(0, most, IDLE_THREAD_TIMEOUT.toSeconds(), TimeUnit.SECONDS,
				new SynchronousQueue<>(), daemonThreads(prefix));
		return new AsyncCalls(settings.name(), platform, false);
	}

	/**
	 * Return {@code Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(prefix,
	 * 0).factory())}, called by reflection since ceramic is built for JDK 17.
	 * @param prefix the threads' name prefix
	 * @return the executor, or {@code null} when the JDK has no virtual threads
	 */
	private static @Nullable ExecutorService virtualThreadPerCall(String prefix) {
		try {
			Class<?> builderType = Class.forName("java.lang.Thread$Builder");
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			builder = builderType.getMethod("name", String.class, long.class).invoke(builder, prefix, 0L);
			ThreadFactory factory = (ThreadFactory) builderType.getMethod("factory").invoke(builder);
			Method perTask = Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
			return (ExecutorService) perTask.invoke(null, factory);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			// JDK 17 to 20, or 19 and 20 without --enable-preview.
			return null;
		}
	}

	private static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Whether calls run on virtual threads.
	 * @return whether they do
	 */
	boolean isVirtual() {
		return this.virtual;
	}

	/**
	 * Start a call on a thread of its own and return its future at once.
	 * @param call the blocking call
	 * @return its future; cancelling it interrupts the call
	 */
	CompletableFuture<@Nullable Object> start(CallInterceptor.Invocation call) {
		CallFuture future = new CallFuture();
		try {
			this.executor.execute(() -> future.run(call));
		}
		catch (RejectedExecutionException ex) {
			future.completeExceptionally(rejected(ex));
		}
		return future;
	}

	private CallRejectedException rejected(RejectedExecutionException ex) {
		if (this.executor.isShutdown()) {
			return new CallRejectedException(this.poolName, CallRejectedException.Reason.SHUT_DOWN,
					"Pool '" + this.poolName + "' is shut down and takes no more calls", ex);
		}
		return new CallRejectedException(this.poolName, CallRejectedException.Reason.QUEUE_FULL,
				"Pool '" + this.poolName
						+ "' is saturated: as many asynchronous calls are in flight as max-workers and "
						+ "max-queued-calls allow; raise them if this load is expected",
				ex);
	}

	/**
	 * Take no more calls, and wait a while for those in flight, which end soon once the
	 * pool has stopped its workers.
	 * @param patience how long to wait
	 */
	void close(Duration patience) {
		this.executor.shutdown();
		try {
			this.executor.awaitTermination(patience.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
