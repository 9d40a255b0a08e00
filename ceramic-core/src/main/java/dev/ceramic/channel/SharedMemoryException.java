package dev.ceramic.channel;

import java.io.IOException;

import dev.ceramic.CeramicException;

/**
 * Large values could not be written to shared memory, most often because its file system
 * is full ({@code /dev/shm} in a container is 64 MiB unless given more). Nothing was
 * sent, so the peer and the channel are untouched; only this send, or this call, fails.
 */
public final class SharedMemoryException extends CeramicException {

	private static final long serialVersionUID = 1L;

	SharedMemoryException(String message, IOException cause) {
		super(message, cause);
	}

}
