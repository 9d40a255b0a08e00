package dev.ceramic.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * The future of one asynchronous call, completed by the thread that runs the call.
 * Cancelling it interrupts that thread, whatever {@code mayInterruptIfRunning} says, so
 * that the call ends as an interrupted blocking call does: before it was sent, nothing
 * was sent; once sent, the worker is killed and replaced. Cancelled before its thread
 * started, the call never runs.
 *
 */
final class CallFuture extends CompletableFuture<@Nullable Object> {

	private final ReentrantLock lock = new ReentrantLock();

	// Guarded by lock, so that an interrupt never reaches a thread that has moved on.
	private @Nullable Thread runner;

	/**
	 * Run the call on the current thread and complete this future with its outcome,
	 * unless it was cancelled already.
	 * @param call the call
	 */
	void run(CallInterceptor.Invocation call) {
		this.lock.lock();
		try {
			if (isDone()) {
				return;
			}
			this.runner = Thread.currentThread();
		}
		finally {
			this.lock.unlock();
		}
		try {
			complete(call.proceed());
		}
		catch (Throwable ex) {
			completeExceptionally(ex);
		}
		finally {
			this.lock.lock();
			try {
				this.runner = null;
				// A cancellation's interrupt, if any, belongs to this call only: the
				// thread may serve another one next.
				Thread.interrupted();
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = super.cancel(mayInterruptIfRunning);
		if (cancelled) {
			this.lock.lock();
			try {
				if (this.runner != null) {
					this.runner.interrupt();
				}
			}
			finally {
				this.lock.unlock();
			}
		}
		return cancelled;
	}

}
