package dev.ceramic.channel;

import java.io.IOException;

import dev.ceramic.CeramicException;

/**
 * Large values could not be written to shared memory: the process is out of memory or
 * over a file-size limit, or, where shared memory has to live in {@code /dev/shm}, that
 * file system is full (in a container it is 64 MiB unless given more). Nothing was sent,
 * so the peer and the channel are untouched; only this send, or this call, fails.
 */
public final class SharedMemoryException extends CeramicException {

	private static final long serialVersionUID = 1L;

	SharedMemoryException(String message, IOException cause) {
		super(message, cause);
	}

}
