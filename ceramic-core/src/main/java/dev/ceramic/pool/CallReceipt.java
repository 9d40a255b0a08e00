package dev.ceramic.pool;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The id of the last call a worker took, in a few bytes of memory that the application
 * and the worker share through a mapped file. The worker records a call's id as soon as
 * it has taken the call off its channel, before it decodes or runs it; the application
 * reads it when the worker died before acknowledging the call, to tell a call that
 * crashed the worker (never retried: the call itself may be what crashes workers) from
 * one that never reached it (safe to give to another worker).
 *
 * <p>
 * The memory is the file's page in the page cache, which both processes map: a store is
 * visible to the application as soon as it is made, and certainly once the worker's
 * process is dead, without an {@code msync}. The file's name is only needed until the
 * worker has mapped it; the application deletes it then, and the mappings outlive it.
 */
final class CallReceipt {

	private static final int SIZE = Integer.BYTES;

	private static final VarHandle CALL_ID = MethodHandles.byteBufferViewVarHandle(int[].class,
			ByteOrder.nativeOrder());

	private final Path file;

	private final MappedByteBuffer memory;

	private CallReceipt(Path file, MappedByteBuffer memory) {
		this.file = file;
		this.memory = memory;
	}

	/**
	 * Create a receipt for a worker about to start: a new file in {@code directory},
	 * mapped, holding no call (0, an id never used).
	 * @param directory the directory for the file
	 * @return the receipt
	 * @throws IOException if the file cannot be created or mapped
	 */
	static CallReceipt create(Path directory) throws IOException {
		Path file = Files.createTempFile(directory, "receipt-", ".bin");
		try {
			return new CallReceipt(file, map(file));
		}
		catch (IOException | RuntimeException ex) {
			Files.deleteIfExists(file);
			throw ex;
		}
	}

	/**
	 * Map the receipt that the application created, in the worker.
	 * @param file the file's path, from {@link #PROPERTY}
	 * @return the receipt
	 * @throws IOException if the file cannot be mapped
	 */
	static CallReceipt open(Path file) throws IOException {
		return new CallReceipt(file, map(file));
	}

	private static MappedByteBuffer map(Path file) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			// Grows the empty file to SIZE zero bytes; the mapping outlives the channel.
			return channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
		}
	}

	/**
	 * Return the path of the file, for the worker.
	 * @return the path
	 */
	Path file() {
		return this.file;
	}

	/**
	 * Record that the worker took a call. A volatile store, so that it cannot be moved
	 * after the work the call does, nor after a crash that work causes.
	 * @param callId the call's id
	 */
	void record(int callId) {
		CALL_ID.setVolatile(this.memory, 0, callId);
	}

	/**
	 * Return whether the worker took the call: whether the id it last recorded is this
	 * call's. Meaningful once the worker can record no more (it is dead), or for a call
	 * that the worker has acknowledged.
	 * @param callId the call's id
	 * @return whether the worker took the call
	 */
	boolean took(int callId) {
		return (int) CALL_ID.getVolatile(this.memory, 0) == callId;
	}

	/**
	 * Delete the file. Both processes keep their mappings, so the receipt still works;
	 * only no other process can map it any more. Deleting twice is harmless.
	 */
	void deleteFile() {
		try {
			Files.deleteIfExists(this.file);
		}
		catch (IOException ex) {
			// Left in the pool's temporary directory, which is then not deleted.
		}
	}

}
