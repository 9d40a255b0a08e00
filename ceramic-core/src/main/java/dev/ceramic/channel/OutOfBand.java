package dev.ceramic.channel;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The values of one message that travel beside its frame rather than in it: each large
 * binary value is written once into an anonymous shared-memory file, whose descriptor
 * goes with the frame ({@code SCM_RIGHTS}), and the receiver copies it out of its own
 * mapping. Nothing is copied through the socket, which for large values costs two copies
 * and a wake-up per socket buffer's worth on each side.
 *
 * <p>
 * A message's descriptors form a list, and a value in a {@link JsonCodec} message refers
 * to "descriptor {@code k}, from {@code offset}, {@code length} bytes" of it; the value's
 * type comes from the declared type on the receiving side, never from the wire. An
 * attachment in the encoded message is one of <pre>
 * u32 length (below 2^31), length bytes       inline
 * u32 0x80000000 | k, u64 offset, u64 length  out of band, in descriptor k
 * </pre> This class holds both sides: a sender's list, made with {@link #sending}, and a
 * receiver's, made with {@link #receiving} around the descriptors that arrived. A
 * stream's descriptor travels in the same list after the values' file, and its receiver
 * {@link #take takes} it out.
 *
 * <p>
 * The file is a {@link Memfd memfd} where one can be made, else an unlinked file in
 * {@code /dev/shm} (tmpfs; {@code java.io.tmpdir} where there is none). The sender opens
 * it read-write, makes it read-only and opens it again for the receiver, so that only the
 * descriptors name it and it vanishes with the last one. The first page of a file is kept
 * for a {@link SharedRegions region}'s header; values start after it. The receiver cannot
 * be raced by a sender that changes the bytes after sending: it copies each value into
 * memory of its own as it decodes it (a {@code byte[]} has to live on the heap anyway). A
 * sender that shrinks the file under the copy fails only that decode.
 *
 * <p>
 * Where the channel's ends keep {@link SharedRegions}, values go into the sender's region
 * and are copied out of the receiver's standing mapping of it; otherwise, and for a
 * message too large to keep a region for, into a file of the message's own.
 */
public final class OutOfBand implements AutoCloseable {

	/** The default size from which a binary value travels out of band: 256 KiB. */
	public static final int DEFAULT_THRESHOLD = 256 * 1024;

	/** The default largest value out of band: 1 GiB. */
	public static final long DEFAULT_MAX_VALUE_SIZE = 1024L * 1024 * 1024;

	/** The largest value at all: the largest array a JVM makes. */
	static final long ARRAY_LIMIT = Integer.MAX_VALUE - 16L;

	/** The bytes of an out-of-band reference in an encoded message. */
	static final int REFERENCE_SIZE = 4 + 8 + 8;

	/** The flag of an attachment's first word that makes it a reference. */
	static final int REFERENCE_FLAG = 0x80000000;

	/** Values start on a page of their own, and the first page is a region's header. */
	static final long ALIGNMENT = 4096;

	/**
	 * The most one write hands the JDK, which copies it through a direct buffer it keeps
	 * per thread.
	 */
	private static final int WRITE_PIECE = 1024 * 1024;

	private static final FileDescriptor[] NO_FDS = new FileDescriptor[0];

	private final long threshold;

	private final long maxValueSize;

	private final String maxValueSizeName;

	// Sending: the values, and where each goes in the file. They are kept until the
	// message is over, as a call may go to another worker, and so to another region.
	private final List<byte[]> values = new ArrayList<>();

	private final List<Long> offsets = new ArrayList<>();

	private long size = ALIGNMENT;

	private @Nullable SharedFile file;

	private FileDescriptor[] descriptors;

	// Receiving: a stream per descriptor once it is read, and the receiver's regions.
	private final @Nullable FileInputStream @Nullable [] streams;

	private final @Nullable SharedRegions regions;

	// Receiving: the descriptors taken out of the list by their new owners.
	private final boolean[] taken;

	private boolean closed;

	private OutOfBand(long threshold, long maxValueSize, String maxValueSizeName, FileDescriptor[] descriptors,
			boolean receiving, @Nullable SharedRegions regions) {
		this.threshold = threshold;
		this.maxValueSize = maxValueSize;
		this.maxValueSizeName = maxValueSizeName;
		this.descriptors = descriptors;
		this.streams = receiving ? new FileInputStream[descriptors.length] : null;
		this.regions = regions;
		this.taken = new boolean[descriptors.length];
	}

	/**
	 * Start the out-of-band list of a message to send.
	 * @param threshold the size from which a binary value goes out of band
	 * @param maxValueSize the largest value that may
	 * @param maxValueSizeName what to call that limit in the message of a value over it,
	 * such as {@code ceramic.pools.docs.max-value-size}
	 * @return the empty list, which the sender closes once the message was sent
	 */
	public static OutOfBand sending(long threshold, long maxValueSize, String maxValueSizeName) {
		if (threshold < 1) {
			throw new IllegalArgumentException("The threshold must be at least 1 byte, but was " + threshold);
		}
		return new OutOfBand(threshold, Math.min(maxValueSize, ARRAY_LIMIT), maxValueSizeName, NO_FDS, false, null);
	}

	/**
	 * Take the descriptors that arrived with a message, to decode its values from.
	 * @param descriptors the descriptors, which this list now owns and closes
	 * @param maxValueSize the largest value to accept
	 * @return the list, which the receiver closes once the message is decoded
	 */
	public static OutOfBand receiving(FileDescriptor[] descriptors, long maxValueSize) {
		return receiving(descriptors, maxValueSize, null);
	}

	/**
	 * Take the descriptors that arrived with a message, to decode its values from, with
	 * the receiving end's regions, which map the sender's region once for all its
	 * messages.
	 * @param descriptors the descriptors, which this list now owns and closes
	 * @param maxValueSize the largest value to accept
	 * @param regions the receiving end's regions, or {@code null} to read each value from
	 * its descriptor alone
	 * @return the list, which the receiver closes once the message is decoded
	 */
	public static OutOfBand receiving(FileDescriptor[] descriptors, long maxValueSize,
			@Nullable SharedRegions regions) {
		return new OutOfBand(Long.MAX_VALUE, Math.min(maxValueSize, ARRAY_LIMIT), "", descriptors.clone(), true,
				regions);
	}

	/** Whether a binary value of this length goes out of band. */
	boolean takes(int length) {
		return this.streams == null && length >= this.threshold;
	}

	/**
	 * Add a value to send; return its offset in descriptor 0.
	 * @throws ValueTooLargeException if it is over the largest value
	 */
	long add(byte[] value) {
		if (value.length > this.maxValueSize) {
			throw new ValueTooLargeException("A binary value of " + value.length + " bytes is over "
					+ this.maxValueSizeName + " (" + this.maxValueSize + " bytes); raise that setting, or send less");
		}
		if (this.file != null || this.descriptors.length > 0) {
			throw new IllegalStateException("The out-of-band values were already written");
		}
		long offset = (this.size + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
		this.values.add(value);
		this.offsets.add(offset);
		this.size = offset + value.length;
		return offset;
	}

	/**
	 * Return the descriptors to send with the message: none when no value went out of
	 * band, else a shared-memory file of the message's own, written on the first call.
	 * @return the descriptors, which stay this list's to close
	 * @throws SharedMemoryException if the file cannot be made or written
	 */
	public FileDescriptor[] descriptors() {
		if (this.streams == null && this.file == null && !this.values.isEmpty()) {
			write();
		}
		return this.descriptors;
	}

	/**
	 * Return the descriptors to send with the message over a channel whose sending end
	 * keeps {@code regions}: none when no value went out of band, else the region, with
	 * the values written into it now, or a file of the message's own where the region
	 * cannot take them. Call it again for each send, as another send may have written the
	 * region since.
	 * @param regions the sending end's regions
	 * @return the descriptors, which stay this list's or the regions' to close
	 * @throws SharedMemoryException if no shared memory could take the values
	 */
	public FileDescriptor[] descriptors(SharedRegions regions) {
		if (this.streams != null || this.values.isEmpty()) {
			return this.descriptors;
		}
		if (this.file == null) {
			FileDescriptor region = regions.write(this.values, this.offsets, this.size);
			if (region != null) {
				return new FileDescriptor[] { region };
			}
		}
		return descriptors();
	}

	/** Whether nothing travels out of band. */
	public boolean isEmpty() {
		return this.descriptors.length == 0 && this.values.isEmpty();
	}

	private void write() {
		SharedFile created;
		try {
			created = SharedFile.create("value");
		}
		catch (IOException ex) {
			throw new SharedMemoryException("Could not make a shared-memory file for " + this.size
					+ " bytes of values in " + SharedFile.SOURCE + ": " + ex.getMessage() + "; nothing was sent", ex);
		}
		this.file = created;
		try {
			FileChannel channel = created.channel();
			for (int i = 0; i < this.values.size(); i++) {
				write(channel, this.values.get(i), this.offsets.get(i));
			}
			this.descriptors = new FileDescriptor[] { created.readOnly() };
		}
		catch (IOException ex) {
			// ENOSPC when tmpfs is full, EFBIG over a file-size limit.
			close();
			throw new SharedMemoryException(
					"Could not write " + this.size + " bytes of values to shared memory in " + SharedFile.SOURCE + ": "
							+ ex.getMessage() + "; " + SharedFile.ROOM
							+ ", or raise the large-value-threshold to send such values in frames. Nothing was sent",
					ex);
		}
	}

	/**
	 * Write a value with {@code pwrite(2)}, a bounded piece at a time. Written through a
	 * mapping instead, each new page of the file costs a page fault that allocates it:
	 * measured on the 2-vCPU benchmark machine, 130 to 340 ms for 64 MiB against 50 to
	 * 210 ms this way; a full file system is then an {@code IOException}, not a
	 * {@code SIGBUS}.
	 */
	private static void write(FileChannel channel, byte[] value, long offset) throws IOException {
		for (int written = 0; written < value.length;) {
			ByteBuffer piece = ByteBuffer.wrap(value, written, Math.min(WRITE_PIECE, value.length - written));
			while (piece.hasRemaining()) {
				written += channel.write(piece, offset + written);
			}
		}
	}

	/**
	 * Take a descriptor that arrived with the message, such as a stream's, out of this
	 * list: it is no value's, and it stays open when the list is closed.
	 * @param index its place in the list
	 * @return the descriptor, which the caller now owns
	 * @throws MessageDecodingException if no such descriptor arrived, or it was taken or
	 * read from already
	 */
	public FileDescriptor take(int index) {
		if (this.streams == null || this.closed) {
			throw new IllegalStateException("This out-of-band list is not one being received");
		}
		if (index < 0 || index >= this.descriptors.length || this.taken[index] || this.streams[index] != null) {
			throw new MessageDecodingException("Malformed message: a stream in descriptor " + index + ", but "
					+ this.descriptors.length + " descriptors arrived with it, and that one is taken or holds values");
		}
		this.taken[index] = true;
		return this.descriptors[index];
	}

	/**
	 * Copy a value out of a descriptor that arrived with the message.
	 * @throws MessageDecodingException if the reference does not fit what arrived
	 */
	byte[] read(int index, long offset, long length) {
		@Nullable FileInputStream @Nullable [] opened = this.streams;
		if (opened == null || this.closed) {
			throw new IllegalStateException("This out-of-band list is not one being received");
		}
		if (index >= this.descriptors.length || this.taken[index]) {
			throw new MessageDecodingException("Malformed message: a value in descriptor " + index + ", but "
					+ this.descriptors.length + " descriptors arrived with it, or that one is a stream's");
		}
		if (length < 0 || length > this.maxValueSize || offset < 0) {
			throw new MessageDecodingException("Malformed message: a value of " + length + " bytes at offset " + offset
					+ ", where at most " + this.maxValueSize + " bytes are accepted");
		}
		FileInputStream stream = opened[index];
		if (stream == null) {
			stream = new FileInputStream(this.descriptors[index]);
			opened[index] = stream;
		}
		try {
			FileChannel channel = stream.getChannel();
			SharedRegions peers = this.regions;
			ByteBuffer region = (peers != null && length > 0) ? peers.peerRegion(channel) : null;
			if (peers != null && region != null) {
				if (offset + length > region.capacity()) {
					throw new MessageDecodingException("Malformed message: a value of " + length + " bytes at offset "
							+ offset + " of a shared region of " + region.capacity() + " bytes");
				}
				byte[] value = new byte[(int) length];
				peers.copy(region, offset, value);
				return value;
			}
			if (offset + length > channel.size()) {
				throw new MessageDecodingException("Malformed message: a value of " + length + " bytes at offset "
						+ offset + " of a shared file of " + channel.size() + " bytes");
			}
			byte[] value = new byte[(int) length];
			if (length == 0) {
				return value;
			}
			MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
			try {
				mapping.get(value);
			}
			finally {
				Unmapping.unmap(mapping);
			}
			return value;
		}
		catch (IOException ex) {
			throw new MessageDecodingException(
					"Could not read a value of " + length + " bytes from shared memory: " + ex.getMessage(), ex);
		}
		catch (InternalError ex) {
			// SIGBUS: the sender shrank the file under the copy.
			throw new MessageDecodingException(
					"The shared file of a value of " + length + " bytes shrank while it was read", ex);
		}
	}

	/** Close every descriptor of the list; closing twice is harmless. */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.values.clear();
		SharedFile written = this.file;
		if (written != null) {
			written.close();
		}
		@Nullable FileInputStream @Nullable [] opened = this.streams;
		if (opened != null) {
			for (FileInputStream stream : opened) {
				if (stream != null) {
					try {
						stream.close();
					}
					catch (IOException ex) {
						// The descriptor is released either way.
					}
				}
			}
			for (int i = 0; i < this.descriptors.length; i++) {
				if (!this.taken[i]) {
					Descriptors.closeQuietly(this.descriptors[i]);
				}
			}
		}
	}

	/**
	 * A shared-memory file that only its descriptors name: one that the sender writes,
	 * and a read-only one to send, through which a receiver can neither write nor shrink
	 * the file (short of root's powers).
	 */
	static final class SharedFile {

		/** Where shared memory comes from here, for messages that name it. */
		static final String SOURCE = Memfd.isAvailable() ? "anonymous memory (memfd_create)" : directory().toString();

		/**
		 * How to give shared memory more room, for messages of a value that found none.
		 */
		static final String ROOM = Memfd.isAvailable()
				? "give the process more memory and lift any file-size limit (ulimit -f) on it"
				: "give that file system more room (in a container, its shm size)";

		private final RandomAccessFile file;

		private final FileInputStream readOnly;

		private final FileDescriptor readOnlyDescriptor;

		private SharedFile(RandomAccessFile file, FileInputStream readOnly) throws IOException {
			this.file = file;
			this.readOnly = readOnly;
			this.readOnlyDescriptor = readOnly.getFD();
		}

		private static Path directory() {
			Path shm = Path.of("/dev/shm");
			return (Files.isDirectory(shm) && Files.isWritable(shm)) ? shm
					: Path.of(System.getProperty("java.io.tmpdir"));
		}

		/**
		 * Make a file that only its descriptors name: a memfd where this process can make
		 * one, else an unlinked file in {@code /dev/shm}.
		 * @param kind what it holds, which ends the name of a file in {@code /dev/shm}
		 * while it has one (and in {@code /proc/<pid>/maps} after): {@code value} or
		 * {@code region}
		 */
		static SharedFile create(String kind) throws IOException {
			FileDescriptor memfd = Memfd.create();
			if (memfd == null) {
				return createIn(directory(), kind);
			}
			try {
				return open(Memfd.path(memfd), true);
			}
			finally {
				Descriptors.closeQuietly(memfd);
			}
		}

		/** Make a file in a directory, and unlink it once it is open. */
		static SharedFile createIn(Path directory, String kind) throws IOException {
			boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
			Path path = posix
					? Files.createTempFile(directory, "ceramic-", "." + kind,
							PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
					: Files.createTempFile(directory, "ceramic-", "." + kind);
			try {
				return open(path, posix);
			}
			finally {
				Files.deleteIfExists(path);
			}
		}

		/**
		 * Open a new file read-write, then make it read-only and open it again for the
		 * receiver.
		 */
		private static SharedFile open(Path path, boolean posix) throws IOException {
			RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
			try {
				if (posix) {
					// So that no one reopens it for writing through /proc/<pid>/fd.
					Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("r--------"));
				}
				return new SharedFile(file, new FileInputStream(path.toFile()));
			}
			catch (IOException | RuntimeException ex) {
				file.close();
				throw ex;
			}
		}

		FileChannel channel() {
			return this.file.getChannel();
		}

		/** The descriptor to send. */
		FileDescriptor readOnly() {
			return this.readOnlyDescriptor;
		}

		void close() {
			try {
				this.file.close();
			}
			catch (IOException ex) {
				// The descriptor is released either way.
			}
			try {
				this.readOnly.close();
			}
			catch (IOException ex) {
				// The descriptor is released either way.
			}
		}

	}

}
