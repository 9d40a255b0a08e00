package dev.ceramic.spring.threads;

import dev.ceramic.spring.OutOfProcess;

/**
 * Runs in the workers of pool {@code sleepy}.
 */
@OutOfProcess(pool = "sleepy")
public class SleepingService implements Sleeper {

	@Override
	public long sleep(int millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return ProcessHandle.current().pid();
	}

}
