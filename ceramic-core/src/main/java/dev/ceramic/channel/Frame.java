package dev.ceramic.channel;

import java.io.FileDescriptor;

/**
 * One frame of the channel protocol. Every frame has a 10-byte header: its type (1 byte),
 * the number of file descriptors that travel with it (1 byte), and two 32-bit big-endian
 * fields, {@code seq} and {@code arg}. A {@link #DATA} frame's {@code arg} is its payload
 * length and the payload follows; other frames have no payload.
 *
 * <p>
 * A {@code send} writes {@code DATA(seq)} and waits for the peer's {@code ACK(seq)},
 * which the peer writes when its {@code recv} takes the message: that acknowledgement is
 * what makes the channel a rendezvous instead of a buffer.
 */
record Frame(byte type, int seq, int arg, byte[] payload, FileDescriptor[] fds) {

	static final int HEADER_SIZE = 10;

	/** A message; {@code arg} is the payload length. */
	static final byte DATA = 1;

	/** The peer's recv took message {@code seq}. */
	static final byte ACK = 2;

	/** The sender withdrew message {@code seq} (its send timed out). */
	static final byte CANCEL = 3;

	/**
	 * The follower end is blocked sending {@code seq} and holds the arbiter's message
	 * {@code arg} with no receiver to take it: is the arbiter stuck as well?
	 */
	static final byte STUCK = 4;

	/** The arbiter's verdict on {@code STUCK(seq, arg)}: both sends fail. */
	static final byte DEADLOCK = 5;

	/** The arbiter's verdict on {@code STUCK(seq, arg)}: no deadlock. */
	static final byte CLEAR = 6;

	/** The peer closed the channel. */
	static final byte CLOSE = 7;

	static final byte[] NO_PAYLOAD = new byte[0];

	static final FileDescriptor[] NO_FDS = new FileDescriptor[0];

	static byte[] control(byte type, int seq, int arg) {
		byte[] frame = new byte[HEADER_SIZE];
		writeHeader(frame, type, 0, seq, arg);
		return frame;
	}

	static byte[] data(int seq, int fdCount, byte[] payload) {
		byte[] frame = new byte[HEADER_SIZE + payload.length];
		writeHeader(frame, DATA, fdCount, seq, payload.length);
		System.arraycopy(payload, 0, frame, HEADER_SIZE, payload.length);
		return frame;
	}

	private static void writeHeader(byte[] frame, byte type, int fdCount, int seq, int arg) {
		frame[0] = type;
		frame[1] = (byte) fdCount;
		putInt(frame, 2, seq);
		putInt(frame, 6, arg);
	}

	static void putInt(byte[] bytes, int offset, int value) {
		bytes[offset] = (byte) (value >>> 24);
		bytes[offset + 1] = (byte) (value >>> 16);
		bytes[offset + 2] = (byte) (value >>> 8);
		bytes[offset + 3] = (byte) value;
	}

	static int getInt(byte[] bytes, int offset) {
		return ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16) | ((bytes[offset + 2] & 0xff) << 8)
				| (bytes[offset + 3] & 0xff);
	}

	static String typeName(byte type) {
		return switch (type) {
			case DATA -> "DATA";
			case ACK -> "ACK";
			case CANCEL -> "CANCEL";
			case STUCK -> "STUCK";
			case DEADLOCK -> "DEADLOCK";
			case CLEAR -> "CLEAR";
			case CLOSE -> "CLOSE";
			default -> "unknown type " + (type & 0xff);
		};
	}

}
