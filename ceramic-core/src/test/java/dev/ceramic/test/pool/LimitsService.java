package dev.ceramic.test.pool;

import java.io.IOException;

/**
 * A service that uses up what the kernel's limits on a worker allow.
 */
public interface LimitsService {

	long pid();

	/**
	 * Allocate native memory with JNA in 1 MiB blocks, touch every page, and keep it.
	 * @param megabytes how much to allocate
	 * @return how many mebibytes were allocated, when all were
	 */
	long leakNative(int megabytes);

	/** Spin on the CPU forever. */
	void spin();

	/**
	 * Open files and close them again.
	 * @param count how many to hold open at once
	 * @return how many were open at once
	 * @throws IOException when one cannot be opened
	 */
	int openFiles(int count) throws IOException;

}
