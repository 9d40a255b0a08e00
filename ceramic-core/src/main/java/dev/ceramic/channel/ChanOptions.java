package dev.ceramic.channel;

import java.time.Duration;

/**
 * Settings of one channel end.
 *
 * @param maxFrameSize the largest payload, in bytes, that may be sent or received; a
 * larger incoming frame is rejected before anything is allocated for it
 * @param maxFileDescriptors the most file descriptors one message may carry
 * @param spinBeforeBlocking how long a thread that waits for the peer polls the socket
 * before it blocks in the kernel; zero (the default) blocks at once
 */
public record ChanOptions(int maxFrameSize, int maxFileDescriptors, Duration spinBeforeBlocking) {

	/** The longest {@link #spinBeforeBlocking()} allowed: 1 ms. */
	public static final Duration MAX_SPIN = Duration.ofMillis(1);

	/** The default maximum frame size: 64 MiB. */
	public static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024 * 1024;

	/** The default maximum number of file descriptors in one message. */
	public static final int DEFAULT_MAX_FILE_DESCRIPTORS = 16;

	public ChanOptions {
		if (maxFrameSize < 1) {
			throw new IllegalArgumentException("maxFrameSize must be at least 1 byte, but was " + maxFrameSize);
		}
		if (maxFileDescriptors < 0 || maxFileDescriptors > 253) {
			throw new IllegalArgumentException(
					"maxFileDescriptors must be between 0 and 253 (the kernel's SCM_MAX_FD), but was "
							+ maxFileDescriptors);
		}
		if (spinBeforeBlocking.isNegative() || spinBeforeBlocking.compareTo(MAX_SPIN) > 0) {
			throw new IllegalArgumentException(
					"spinBeforeBlocking must be between zero and " + MAX_SPIN + ", but was " + spinBeforeBlocking);
		}
	}

	/**
	 * Settings that block at once, without spinning.
	 * @param maxFrameSize the largest payload in bytes
	 * @param maxFileDescriptors the most file descriptors one message may carry
	 */
	public ChanOptions(int maxFrameSize, int maxFileDescriptors) {
		this(maxFrameSize, maxFileDescriptors, Duration.ZERO);
	}

	/**
	 * Return the default options: 64 MiB frames, 16 file descriptors a message.
	 * @return the defaults
	 */
	public static ChanOptions defaults() {
		return new ChanOptions(DEFAULT_MAX_FRAME_SIZE, DEFAULT_MAX_FILE_DESCRIPTORS);
	}

	/**
	 * Return a copy with another maximum frame size.
	 * @param maxFrameSize the largest payload in bytes
	 * @return the new options
	 */
	public ChanOptions withMaxFrameSize(int maxFrameSize) {
		return new ChanOptions(maxFrameSize, this.maxFileDescriptors, this.spinBeforeBlocking);
	}

	/**
	 * Return a copy whose waiting threads poll the socket for up to {@code spin} before
	 * they block. This trades CPU time for latency: a reader that is put to sleep has to
	 * be woken by the kernel when the peer's frame arrives, and on a virtual machine that
	 * wake-up is most of a round trip (measured on this project's 2-CPU benchmark
	 * machine: a 4-byte round trip's median fell from about 20-30 µs to 10-15 µs with
	 * 20-50 µs of spin). Each wait then costs up to {@code spin} of CPU on each end, so
	 * use it for chatty request/response traffic on machines with idle cores, not where
	 * CPUs are scarce: with other builds keeping both CPUs of that machine busy, the
	 * median rose to about 60 µs instead, because a spinning thread holds a CPU that the
	 * peer needs. A JVM that may use only one CPU ignores the setting. A {@code Proc}
	 * child gets the same setting.
	 * @param spin how long to poll, from zero to {@link #MAX_SPIN}
	 * @return the new options
	 */
	public ChanOptions withSpinBeforeBlocking(Duration spin) {
		return new ChanOptions(this.maxFrameSize, this.maxFileDescriptors, spin);
	}

}
