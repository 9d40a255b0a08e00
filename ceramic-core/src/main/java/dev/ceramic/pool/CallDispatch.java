package dev.ceramic.pool;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import dev.ceramic.Durations;
import dev.ceramic.channel.JsonCodec;
import dev.ceramic.channel.SharedMemoryException;
import dev.ceramic.channel.ValueTooLargeException;
import org.jspecify.annotations.Nullable;

/**
 * One call of a proxy, from the interceptors to the caller's result: encodes the
 * arguments, picks the call's timeout, runs it on a leased worker, and turns the outcome
 * into the result, the service's exception or the pool's. A call that never reached a
 * worker that had died goes to another one.
 */
final class CallDispatch {

	private static final ThreadLocal<@Nullable Duration> callTimeoutOverride = new ThreadLocal<>();

	private final WorkerPoolSettings settings;

	private final Protocol.ValueLimits limits;

	private final JsonCodec codec;

	private final Duration[] methodTimeouts;

	private final List<CallInterceptor> interceptors;

	private final Leases leases;

	private final Supervisor supervisor;

	private final AsyncCalls async;

	private final ScheduledExecutorService timer;

	private final ReturnedStream.Outcome streamDone = new ReturnedStream.Outcome() {

		@Override
		public void release(Worker worker) {
			CallDispatch.this.leases.release(worker);
		}

		@Override
		public void lose(Worker worker, PoolEvent.Type type, @Nullable String message) {
			CallDispatch.this.supervisor.lose(worker, type, message);
		}

	};

	CallDispatch(WorkerPoolSettings settings, JsonCodec codec, MethodTable table, List<CallInterceptor> interceptors,
			Leases leases, Supervisor supervisor, ScheduledExecutorService timer) {
		this.settings = settings;
		this.limits = Protocol.ValueLimits.of(settings);
		this.codec = codec;
		this.methodTimeouts = methodTimeouts(table, settings.callTimeout());
		this.interceptors = List.copyOf(interceptors);
		this.leases = leases;
		this.supervisor = supervisor;
		this.async = AsyncCalls.create(settings);
		this.timer = timer;
	}

	/**
	 * Run {@code action} with another call timeout for the calls it makes on this thread.
	 * @param <T> the action's result type
	 * @param timeout the timeout for those calls
	 * @param action the action
	 * @return the action's result
	 */
	static <T> T withCallTimeout(Duration timeout, Supplier<T> action) {
		if (timeout.isZero() || timeout.isNegative()) {
			throw new IllegalArgumentException("A call timeout must be positive, but was " + Durations.format(timeout));
		}
		Duration previous = callTimeoutOverride.get();
		callTimeoutOverride.set(timeout);
		try {
			return action.get();
		}
		finally {
			callTimeoutOverride.set(previous);
		}
	}

	private String name() {
		return this.settings.name();
	}

	/**
	 * Run one call in a worker, through the interceptors.
	 * @param entry the method
	 * @param arguments the arguments
	 * @return the result
	 * @throws Throwable what the call threw, translated for the caller
	 */
	@Nullable Object invoke(MethodTable.Entry entry, Object @Nullable [] arguments) throws Throwable {
		return invoke(entry, () -> call(entry, arguments));
	}

	private @Nullable Object invoke(MethodTable.Entry entry, CallInterceptor.Invocation last) throws Throwable {
		if (this.interceptors.isEmpty()) {
			return last.proceed();
		}
		CallInterceptor.ServiceCall call = new CallInterceptor.ServiceCall(name(), entry.serviceInterface(),
				entry.method());
		return intercept(0, call, last);
	}

	private @Nullable Object intercept(int index, CallInterceptor.ServiceCall call, CallInterceptor.Invocation last)
			throws Throwable {
		if (index == this.interceptors.size()) {
			return last.proceed();
		}
		return this.interceptors.get(index).intercept(call, () -> intercept(index + 1, call, last));
	}

	/**
	 * Start one call of a method that returns a future or a {@code Mono}, and return at
	 * once. The arguments are encoded here, so that the call sends them as they were when
	 * it was made; the rest, interceptors included, runs on a thread of its own as a
	 * blocking call would, with the call timeout this thread would give it.
	 * @param entry the method
	 * @param arguments the arguments
	 * @return the future of the call's value; it completes exceptionally with what the
	 * blocking call would have thrown, and cancelling it interrupts the call
	 */
	CompletableFuture<@Nullable Object> invokeAsync(MethodTable.Entry entry, Object @Nullable [] arguments) {
		Protocol.Arguments encoded;
		try {
			encoded = Protocol.encodeArguments(entry, arguments, this.codec, this.limits);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		Duration timeout = callTimeoutOverride.get();
		// Whoever claims the encoded values closes them: the call when it runs, or the
		// future when it ends (rejected or cancelled) before the call could run.
		AtomicBoolean claimed = new AtomicBoolean();
		CompletableFuture<@Nullable Object> future = this.async.start(() -> {
			if (!claimed.compareAndSet(false, true)) {
				return null;
			}
			callTimeoutOverride.set(timeout);
			try (encoded) {
				return invoke(entry, () -> call(entry, encoded));
			}
			finally {
				callTimeoutOverride.remove();
			}
		});
		future.whenComplete((value, failure) -> {
			if (claimed.compareAndSet(false, true)) {
				encoded.close();
			}
		});
		return future;
	}

	/**
	 * Stop the threads of asynchronous calls, once the pool's workers are gone.
	 */
	void close() {
		this.async.close(this.settings.shutdownGrace().plusSeconds(1));
	}

	private @Nullable Object call(MethodTable.Entry entry, Object @Nullable [] arguments) throws Throwable {
		try (Protocol.Arguments encoded = Protocol.encodeArguments(entry, arguments, this.codec, this.limits)) {
			return call(entry, encoded);
		}
	}

	private @Nullable Object call(MethodTable.Entry entry, Protocol.Arguments encoded) throws Throwable {
		Duration timeout = timeoutFor(entry);
		if (Thread.currentThread().isInterrupted()) {
			// Nothing was sent yet, so no worker needs to pay for it.
			throw new CallTimeoutException(name(), 0, "The calling thread was interrupted before its call to "
					+ entry.describe() + " in pool '" + name() + "' was sent; nothing was sent", timeout);
		}
		for (int attempt = 1;; attempt++) {
			Worker worker = this.leases.lease();
			try {
				return call(worker, entry, encoded, timeout);
			}
			catch (UndeliveredCallException ex) {
				// The worker died idle before the pool heard of it, and the call never
				// ran: give it to another worker, as if the death had been noticed first.
				this.supervisor.lose(worker, PoolEvent.Type.WORKER_CRASHED, ex.crash().getMessage());
				if (attempt > this.settings.sizing().maxWorkers()) {
					throw ex.crash();
				}
			}
		}
	}

	private @Nullable Object call(Worker worker, MethodTable.Entry entry, Protocol.Arguments encoded, Duration timeout)
			throws Throwable {
		long deadline = System.nanoTime() + timeout.toNanos();
		Protocol.Reply reply;
		try {
			reply = worker.call(entry, encoded, timeout);
		}
		catch (UndeliveredCallException ex) {
			throw ex;
		}
		catch (CallTimeoutException ex) {
			this.supervisor.lose(worker, PoolEvent.Type.WORKER_TIMED_OUT, ex.getMessage());
			throw ex;
		}
		catch (WorkerCrashedException ex) {
			this.supervisor.lose(worker, PoolEvent.Type.WORKER_CRASHED, ex.getMessage());
			throw ex;
		}
		catch (ValueTooLargeException | SharedMemoryException | StreamArgumentException ex) {
			// This process's failure, not the worker's: it is as good as before.
			this.leases.release(worker);
			throw ex;
		}
		catch (RuntimeException | Error ex) {
			this.supervisor.lose(worker, PoolEvent.Type.WORKER_CRASHED, "failed unexpectedly: " + ex);
			throw ex;
		}
		if (reply.value() instanceof InputStream pipe) {
			// The worker is still busy pumping the stream: it goes back to the pool when
			// its reader is done with it.
			return ReturnedStream.of(pipe, worker, entry, deadline, timeout, this.streamDone, this.timer);
		}
		this.leases.release(worker);
		if (reply.error() != null) {
			throw ExceptionTranslator.translate(reply.error(), entry.method(), name(), worker.pid());
		}
		return reply.value();
	}

	private Duration timeoutFor(MethodTable.Entry entry) {
		Duration override = callTimeoutOverride.get();
		return (override != null) ? override : this.methodTimeouts[entry.id()];
	}

	/**
	 * Each method's timeout, by method id: its {@link CallTimeout}, else its interface's,
	 * else the pool's.
	 */
	private static Duration[] methodTimeouts(MethodTable table, Duration poolTimeout) {
		List<Duration> timeouts = new ArrayList<>();
		for (int id = 0;; id++) {
			MethodTable.Entry entry = table.byId(id);
			if (entry == null) {
				break;
			}
			CallTimeout onMethod = entry.method().getAnnotation(CallTimeout.class);
			CallTimeout onType = entry.serviceInterface().getAnnotation(CallTimeout.class);
			CallTimeout chosen = (onMethod != null) ? onMethod : onType;
			timeouts.add((chosen != null) ? Duration.ofMillis(chosen.millis()) : poolTimeout);
		}
		return timeouts.toArray(new Duration[0]);
	}

}
