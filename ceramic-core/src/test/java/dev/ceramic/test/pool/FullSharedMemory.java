package dev.ceramic.test.pool;

import dev.ceramic.channel.SharedMemoryException;
import dev.ceramic.pool.WorkerPool;
import dev.ceramic.pool.WorkerPoolSettings;

/**
 * An application whose shared memory cannot take a large value, for want of room: it runs
 * under a file-size limit, which refuses a write past it ({@code EFBIG}, the JVM ignoring
 * {@code SIGXFSZ}) as a full {@code /dev/shm} refuses one ({@code ENOSPC}). Prints what
 * each call did.
 */
public final class FullSharedMemory {

	private FullSharedMemory() {
	}

	public static void main(String[] args) {
		WorkerPoolSettings settings = TestPools.settings("shm-full").maxWorkers(1).startupCache(false, null).build();
		try (WorkerPool pool = WorkerPool.builder(settings)
			.service(PayloadService.class, PayloadServiceImpl.class)
			.build()) {
			PayloadService service = pool.proxy(PayloadService.class);
			long pid = service.pid();
			try {
				service.length(new byte[16 * 1024 * 1024]);
				System.out.println("large value: sent");
			}
			catch (SharedMemoryException ex) {
				System.out.println("large value: " + ex.getMessage());
			}
			System.out.println("small value: " + service.length(new byte[1000]));
			System.out.println("same worker: " + (service.pid() == pid));
			System.out.println("crashes: " + pool.snapshot(false).crashes());
		}
	}

}
