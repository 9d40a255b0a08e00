package dev.ceramic.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * The threads a test starts for calls that block, remembered so that the test can wait
 * until every one of them is blocked instead of sleeping and hoping.
 */
public final class TestThreads implements ThreadFactory {

	private final List<Thread> threads = new CopyOnWriteArrayList<>();

	private final String name;

	/**
	 * Make a factory whose threads are named after the test.
	 * @param name the prefix of the threads' names
	 */
	public TestThreads(String name) {
		this.name = name;
	}

	/**
	 * Return a cached thread pool whose threads this factory makes and remembers.
	 * @return the pool
	 */
	public ExecutorService newCachedThreadPool() {
		return Executors.newCachedThreadPool(this);
	}

	@Override
	public Thread newThread(Runnable task) {
		Thread thread = new Thread(task, this.name + "-" + this.threads.size());
		thread.setDaemon(true);
		this.threads.add(thread);
		return thread;
	}

	/**
	 * Wait until every thread made so far is blocked, in its call or idle in the pool.
	 * @see Waiting#awaitBlocked(String, java.util.Collection)
	 */
	public void awaitBlocked() {
		Waiting.awaitBlocked("every call started on " + this.name + " threads is blocked", this.threads);
	}

}
