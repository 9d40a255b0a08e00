package dev.ceramic.test.pool;

import dev.ceramic.pool.CallTimeout;

/**
 * A service interface whose methods make a worker fail in every way the pool must
 * survive, for the fault matrix and the soak. Each fault is real: a segfault is a read of
 * address 0 in native code, a hang is a thread that never comes back.
 */
public interface FaultyService {

	/** The timeout of the methods that hang, shorter than the pool's. */
	long HANG_TIMEOUT_MILLIS = 1000;

	/**
	 * Return a value computed in the worker, so that a caller can tell a right answer
	 * from a stale one.
	 * @param value a value
	 * @return {@code value * 31 + 7}
	 */
	long compute(long value);

	/**
	 * Return the worker's pid.
	 * @return the pid
	 */
	long pid();

	/**
	 * Read address 0 through JNA: a real SIGSEGV in native code, on which the JVM writes
	 * its fatal error log and aborts.
	 * @return never
	 */
	int segfault();

	/**
	 * Call {@code System.exit}.
	 * @param status the exit status
	 */
	void exit(int status);

	/**
	 * Call {@code Runtime.halt}.
	 * @param status the exit status
	 */
	void halt(int status);

	/**
	 * Send this worker's process a signal through libc's {@code kill}, as the method's
	 * first statement. {@code SIGKILL} (9) ends the process where it stands: no thread of
	 * the worker writes anything after it, not even the acknowledgement of this call,
	 * which the worker holds back until its reply or 1 to 33 ms later. Signal 0 only
	 * checks that the process exists, which warms the path up.
	 * @param signal the signal number
	 */
	void killSelf(int signal);

	/**
	 * Allocate until the heap is exhausted; with {@code -XX:+ExitOnOutOfMemoryError} the
	 * JVM exits with status 3.
	 * @return never
	 */
	int exhaustHeap();

	/**
	 * Recurse without end: a {@link StackOverflowError}.
	 * @param depth ignored
	 * @return never
	 */
	int recurseForever(int depth);

	/** Loop in Java for ever. */
	@CallTimeout(millis = HANG_TIMEOUT_MILLIS)
	void spin();

	/**
	 * Sleep in libc's {@code sleep} through JNA, where no Java interrupt reaches.
	 * @param seconds how long
	 * @return what {@code sleep} returned
	 */
	@CallTimeout(millis = HANG_TIMEOUT_MILLIS)
	int sleepNatively(int seconds);

	/**
	 * Create {@code marker}, then sleep in Java, so that a test can kill the worker while
	 * the call certainly runs.
	 * @param marker the path of a file to create
	 * @param millis how long to sleep
	 * @return {@code millis}
	 */
	long markAndSleep(String marker, long millis);

	/**
	 * Write garbage to standard output (unterminated, binary, invalid UTF-8, over-long
	 * and fake-ready lines), then return.
	 * @param value returned as is
	 * @return {@code value}
	 */
	long writeGarbageToStdout(long value);

	/**
	 * Write bytes that are no frame onto the channel itself (the worker's standard input
	 * is its end of the socketpair).
	 * @return what the worker would have returned
	 */
	int writeGarbageToChannel();

	/**
	 * Write a well-formed frame carrying a RESULT for a call that was never made, then
	 * sleep.
	 * @return what the worker would have returned
	 */
	int replyOutOfOrder();

	/**
	 * Write two well-formed frames at once, the second before the first was acknowledged,
	 * which breaks the channel's rendezvous protocol; then sleep.
	 * @return what the worker would have returned
	 */
	int replyTwice();

	/**
	 * Write a frame header announcing more bytes than any pool's max-frame-size.
	 * @return what the worker would have returned
	 */
	int replyOversized();

	/**
	 * Start a daemon thread that causes {@code fault} after {@code delayMillis}, and
	 * return at once: the fault hits a worker that is idle. A fault that leaves the
	 * worker running (garbage) creates {@code doneMarker} once it is done.
	 * @param fault the fault
	 * @param delayMillis the delay
	 * @param doneMarker the path of a file to create after a fault the worker survives
	 */
	void faultWhileIdle(Fault fault, long delayMillis, String doneMarker);

	/**
	 * The faults that {@link #faultWhileIdle} can cause.
	 */
	enum Fault {

		/** A read of address 0 in native code. */
		SEGFAULT,

		/** {@code System.exit(3)}. */
		EXIT,

		/** {@code Runtime.halt(4)}. */
		HALT,

		/** Heap exhaustion, with {@code -XX:+ExitOnOutOfMemoryError}. */
		OUT_OF_MEMORY,

		/** Garbage on standard output. */
		STDOUT_GARBAGE,

		/** Bytes that are no frame, onto the channel. */
		CHANNEL_GARBAGE

	}

}
