package dev.ceramic.test.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The implementation of {@link TestService}, run in worker JVMs. Its constructor obeys
 * two system properties of the worker, so that tests can make workers fail to start:
 * <ul>
 * <li>{@value #FAIL_WHILE_EXISTS}: a path; while that file exists, the constructor
 * throws;</li>
 * <li>{@value #EXIT_IN_CONSTRUCTOR}: an exit status the constructor exits with.</li>
 * </ul>
 */
public class TestServiceImpl implements TestService {

	/** System property: a file whose existence makes the constructor throw. */
	public static final String FAIL_WHILE_EXISTS = "behaviour.fail-while-exists";

	/** System property: an exit status that the constructor calls System.exit with. */
	public static final String EXIT_IN_CONSTRUCTOR = "behaviour.exit-in-constructor";

	/** The start of the message of the constructor's failure. */
	public static final String REFUSAL = "TestServiceImpl refuses to start while this file exists: ";

	private static final int PAGE = 4096;

	private static final List<byte[]> held = new ArrayList<>();

	public TestServiceImpl() {
		String marker = System.getProperty(FAIL_WHILE_EXISTS);
		if (marker != null && Files.exists(Path.of(marker))) {
			throw new IllegalStateException(REFUSAL + marker);
		}
		String exit = System.getProperty(EXIT_IN_CONSTRUCTOR);
		if (exit != null) {
			System.err.println("TestServiceImpl exits with status " + exit + " in its constructor");
			System.exit(Integer.parseInt(exit));
		}
	}

	@Override
	public long pid() {
		return ProcessHandle.current().pid();
	}

	@Override
	public long sleepMillis(long millis) {
		sleep(millis);
		return pid();
	}

	@Override
	public long awaitFile(String path) {
		while (!Files.exists(Path.of(path))) {
			sleep(10);
		}
		return pid();
	}

	@Override
	public long sleepWithShortTimeout(long millis) {
		return sleepMillis(millis);
	}

	@Override
	public long allocate(int megabytes) {
		for (int i = 0; i < megabytes; i++) {
			byte[] block = new byte[1024 * 1024];
			for (int offset = 0; offset < block.length; offset += PAGE) {
				block[offset] = 1;
			}
			synchronized (held) {
				held.add(block);
			}
		}
		return pid();
	}

	@Override
	public long allocateLater(int megabytes, long delayMillis) {
		Thread thread = new Thread(() -> {
			sleep(delayMillis);
			allocate(megabytes);
		}, "allocate-later");
		thread.setDaemon(true);
		thread.start();
		return pid();
	}

	@Override
	public int echo(int value) {
		return value;
	}

	@Override
	public void exit(int status) {
		System.exit(status);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
