package dev.ceramic.benchmarks;

/**
 * The service of the pool benchmark: a call with small arguments, and one that kills the
 * worker.
 *
 * <p>
 * Not a test service: the rows need a small call and one that halts the worker in one
 * service, which {@code Calculator} (no halt) and {@code FaultyService} (its
 * implementation needs JNA, a test-only dependency) are not, and {@link RmiAdderServer}
 * mirrors exactly these two calls for the RMI row.
 */
public interface Adder {

	int add(int a, int b);

	/** Halts the JVM it runs in, without shutdown hooks. */
	void crash();

	/** The implementation, run in pool workers and, for the in-process row, here. */
	final class Impl implements Adder {

		@Override
		public int add(int a, int b) {
			return a + b;
		}

		@Override
		public void crash() {
			Runtime.getRuntime().halt(3);
		}

	}

}
