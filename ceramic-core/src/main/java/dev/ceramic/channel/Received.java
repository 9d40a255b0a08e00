package dev.ceramic.channel;

import java.io.FileDescriptor;

/**
 * A message received together with the file descriptors that travelled with it. The
 * receiver owns the descriptors and must close them.
 *
 * @param payload the message bytes
 * @param fileDescriptors the descriptors, possibly none
 */
public record Received(byte[] payload, FileDescriptor[] fileDescriptors) {

}
