package dev.ceramic.test.pool;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.sun.jna.Memory;

/**
 * The implementation of {@link LimitsService}, run in worker JVMs.
 */
public class LimitsServiceImpl implements LimitsService {

	private static final int MEBIBYTE = 1024 * 1024;

	/** Keeps native blocks reachable, so that JNA's cleaner never frees them. */
	private static final List<Memory> leaked = new ArrayList<>();

	private static volatile long spins;

	@Override
	public long pid() {
		return ProcessHandle.current().pid();
	}

	@Override
	public long leakNative(int megabytes) {
		for (int i = 0; i < megabytes; i++) {
			// Native.malloc underneath; JNA throws OutOfMemoryError when it returns NULL.
			Memory block = new Memory(MEBIBYTE);
			block.clear();
			leaked.add(block);
		}
		return megabytes;
	}

	@Override
	public void spin() {
		while (true) {
			spins++;
		}
	}

	@Override
	public int openFiles(int count) throws IOException {
		List<FileInputStream> open = new ArrayList<>();
		try {
			for (int i = 0; i < count; i++) {
				open.add(new FileInputStream("/dev/null"));
			}
			return open.size();
		}
		finally {
			for (FileInputStream stream : open) {
				stream.close();
			}
		}
	}

}
