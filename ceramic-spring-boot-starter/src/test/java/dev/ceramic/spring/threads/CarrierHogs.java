package dev.ceramic.spring.threads;

import java.util.concurrent.CountDownLatch;

/**
 * Two classes whose initializers sleep. A virtual thread that sleeps while it initializes
 * a class cannot leave its carrier (the VM is on its stack), so two of them hold both
 * carriers of a scheduler with parallelism 2: the deliberate case that shows that the
 * recording sees pinning, and that the carrier check notices when no carrier is free.
 */
final class CarrierHogs {

	static final int HOLD_MILLIS = 800;

	static final CountDownLatch holding = new CountDownLatch(2);

	private CarrierHogs() {
	}

	static void hold() {
		holding.countDown();
		try {
			Thread.sleep(HOLD_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static final class First {

		static {
			hold();
		}

		private First() {
		}

		static void initialize() {
			// Initializing the class is the point.
		}

	}

	static final class Second {

		static {
			hold();
		}

		private Second() {
		}

		static void initialize() {
			// Initializing the class is the point.
		}

	}

}
