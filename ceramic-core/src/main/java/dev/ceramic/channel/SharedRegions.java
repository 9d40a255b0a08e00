package dev.ceramic.channel;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * The shared memory that one end of a channel keeps from message to message: a region it
 * writes its out-of-band values into, and a mapping of the region its peer writes into.
 * Making, sizing and mapping a fresh file costs more than copying the values: measured on
 * the 2-vCPU benchmark machine, a 64 MiB value took about 50 ms each way through a fresh
 * file against about 12 ms through a region already in place.
 *
 * <p>
 * A region is a shared-memory file like any other out-of-band file, whose first page
 * names it: a magic number and an id that changes whenever the sender makes a new region.
 * Its read-only descriptor goes with every message that uses it, so a receiver that never
 * saw it maps it, and one that did uses the mapping it has. Reuse is safe because calls
 * are synchronous: a sender writes the next message only after the reply to the last, and
 * a receiver copies every value out before it replies. A sender that breaks that rule can
 * only garble its own values; one that shrinks its file under the receiver's copy fails
 * only that decode.
 *
 * <p>
 * A region grows to fit the largest message and is kept until the channel ends, up to
 * {@link #RETAINED_LIMIT}; a message over that travels in a file of its own. Every method
 * holds this object's lock, so that {@link #close()} never unmaps memory a copy is still
 * using.
 */
public final class SharedRegions implements AutoCloseable {

	/** The largest region kept between messages: 512 MiB. */
	public static final long RETAINED_LIMIT = 512L * 1024 * 1024;

	/** The first bytes of a region's first page. */
	static final long MAGIC = 0x6365_7261_6d69_6331L;

	private static final long GRANULE = 1024 * 1024;

	private static final int ZERO_PIECE = 1024 * 1024;

	private @Nullable Region own;

	private @Nullable Mapped peers;

	private boolean closed;

	private SharedRegions() {
	}

	/**
	 * Start the shared memory of one end of a channel, empty until its first message.
	 * @return the regions, which the owner closes when the channel ends
	 */
	public static SharedRegions create() {
		return new SharedRegions();
	}

	/**
	 * Write a message's values into this end's region, making or growing it first if
	 * needed.
	 * @param values the values
	 * @param offsets where each goes
	 * @param size the end of the last value
	 * @return the descriptor to send, or {@code null} if the values must travel in a file
	 * of their own: they are over {@link #RETAINED_LIMIT}, the region could not be made,
	 * or the channel has ended
	 */
	synchronized @Nullable FileDescriptor write(List<byte[]> values, List<Long> offsets, long size) {
		if (this.closed || size > RETAINED_LIMIT) {
			return null;
		}
		Region region = this.own;
		if (region == null || region.capacity < size) {
			if (region != null) {
				region.close();
				this.own = null;
			}
			region = Region.make((size + GRANULE - 1) / GRANULE * GRANULE);
			if (region == null) {
				return null;
			}
			this.own = region;
		}
		try {
			for (int i = 0; i < values.size(); i++) {
				byte[] value = values.get(i);
				region.mapping.put(Math.toIntExact(offsets.get(i)), value, 0, value.length);
			}
		}
		catch (InternalError ex) {
			// SIGBUS: the file lost its pages, which only a peer with root's powers over
			// its descriptor could do. Give the region up and send a file of its own.
			region.close();
			this.own = null;
			return null;
		}
		return region.file.readOnly();
	}

	/**
	 * Return the mapping of the peer's region that an arrived descriptor names, mapping
	 * it if it is new.
	 * @param channel the descriptor's channel
	 * @return the mapping, or {@code null} if the descriptor is no region (or one too
	 * large to keep) and its value is to be read from it alone
	 * @throws IOException if the descriptor cannot be read
	 */
	synchronized @Nullable ByteBuffer peerRegion(FileChannel channel) throws IOException {
		if (this.closed) {
			return null;
		}
		ByteBuffer header = ByteBuffer.allocate(16);
		while (header.hasRemaining()) {
			if (channel.read(header, header.position()) < 0) {
				// Shorter than a header: no region.
				return null;
			}
		}
		if (header.getLong(0) != MAGIC || header.getLong(8) == 0) {
			return null;
		}
		long id = header.getLong(8);
		Mapped mapped = this.peers;
		if (mapped != null && mapped.id == id) {
			return mapped.mapping;
		}
		long size = channel.size();
		if (size > RETAINED_LIMIT) {
			return null;
		}
		dropPeerRegion();
		MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
		this.peers = new Mapped(id, mapping);
		return mapping;
	}

	/**
	 * Copy a value out of the peer's region.
	 * @throws InternalError if the peer shrank its file under the copy (the region is
	 * dropped)
	 */
	synchronized void copy(ByteBuffer mapping, long offset, byte[] value) {
		if (this.closed || this.peers == null || this.peers.mapping != mapping) {
			throw new IllegalStateException("The peer's region is no longer mapped");
		}
		try {
			mapping.get(Math.toIntExact(offset), value, 0, value.length);
		}
		catch (InternalError ex) {
			dropPeerRegion();
			throw ex;
		}
	}

	private void dropPeerRegion() {
		Mapped mapped = this.peers;
		this.peers = null;
		if (mapped != null) {
			Unmapping.unmap(mapped.mapping);
		}
	}

	/** Release both regions; closing twice is harmless. */
	@Override
	public synchronized void close() {
		this.closed = true;
		Region region = this.own;
		this.own = null;
		if (region != null) {
			region.close();
		}
		dropPeerRegion();
	}

	/** This end's region: its file and a writable mapping of it. */
	private static final class Region {

		private final OutOfBand.SharedFile file;

		private final MappedByteBuffer mapping;

		private final long capacity;

		private Region(OutOfBand.SharedFile file, MappedByteBuffer mapping, long capacity) {
			this.file = file;
			this.mapping = mapping;
			this.capacity = capacity;
		}

		/**
		 * Make a region with every page allocated up front, so that a full file system is
		 * an {@code IOException} here rather than a {@code SIGBUS} in a later copy.
		 */
		static @Nullable Region make(long capacity) {
			OutOfBand.SharedFile file;
			try {
				file = OutOfBand.SharedFile.create("region");
			}
			catch (IOException ex) {
				return null;
			}
			try {
				FileChannel channel = file.channel();
				ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_PIECE);
				for (long written = 0; written < capacity;) {
					zeros.clear().limit((int) Math.min(ZERO_PIECE, capacity - written));
					written += channel.write(zeros, written);
				}
				ByteBuffer header = ByteBuffer.allocate(16)
					.putLong(MAGIC)
					.putLong(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE))
					.flip();
				channel.write(header, 0);
				return new Region(file, channel.map(FileChannel.MapMode.READ_WRITE, 0, capacity), capacity);
			}
			catch (IOException ex) {
				// ENOSPC when tmpfs is full, for one: the values go in a file of their
				// own,
				// whose failure names the cause.
				file.close();
				return null;
			}
		}

		void close() {
			Unmapping.unmap(this.mapping);
			this.file.close();
		}

	}

	/** The peer's region as mapped here. */
	private record Mapped(long id, MappedByteBuffer mapping) {

	}

}
