package dev.ceramic.channel;

/**
 * Settings of one channel end.
 *
 * @param maxFrameSize the largest payload, in bytes, that may be sent or received; a
 * larger incoming frame is rejected before anything is allocated for it
 * @param maxFileDescriptors the most file descriptors one message may carry
 */
public record ChanOptions(int maxFrameSize, int maxFileDescriptors) {

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
		return new ChanOptions(maxFrameSize, this.maxFileDescriptors);
	}

}
