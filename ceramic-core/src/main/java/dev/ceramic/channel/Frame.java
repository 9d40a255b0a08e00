package dev.ceramic.channel;

import java.io.FileDescriptor;

/**
 * One frame of the channel protocol. Every frame has a 10-byte header: its type (1 byte),
 * the number of file descriptors that travel with it (1 byte), and two 32-bit big-endian
 * fields, {@code seq} and {@code arg}. A message frame's ({@link #DATA} or
 * {@link #DATA_DELAYED_ACK}) {@code arg} is its payload length and the payload follows;
 * other frames have no payload.
 *
 * <p>
 * A {@code send} writes {@code DATA(seq)} and waits for the peer's {@code ACK(seq)},
 * which the peer writes when its {@code recv} takes the message: that acknowledgement is
 * what makes the channel a rendezvous instead of a buffer. A send without a deadline, and
 * a request ({@code Chan.sendRequest}), whose timeout closes the channel instead of
 * withdrawing the message, write {@code DATA_DELAYED_ACK(seq)} instead, which lets the
 * receiver hold the acknowledgement back until it writes its next frame, as TCP's delayed
 * ACK does, so that a request and its reply cost one frame each way instead of two.
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

	/**
	 * A message, like {@link #DATA}, that its sender will not withdraw: the receiver may
	 * send its {@code ACK} together with its next frame, or the {@code AckFlusher} writes
	 * it on its own a little later.
	 */
	static final byte DATA_DELAYED_ACK = 8;

	/** The highest frame type. */
	static final byte LAST_TYPE = DATA_DELAYED_ACK;

	static final byte[] NO_PAYLOAD = new byte[0];

	static final FileDescriptor[] NO_FDS = new FileDescriptor[0];

	/** No message: sequence numbers start at 1. */
	static final int NO_SEQ = 0;

	static byte[] control(byte type, int seq, int arg) {
		byte[] frame = new byte[HEADER_SIZE];
		writeHeader(frame, 0, type, 0, seq, arg);
		return frame;
	}

	static byte[] data(int seq, int fdCount, byte[] payload) {
		return data(DATA, seq, fdCount, payload, 0);
	}

	/**
	 * Encode a message frame, preceded by an {@code ACK(ackSeq)} frame in the same bytes
	 * unless {@code ackSeq} is 0, so that both go out in one write.
	 */
	static byte[] data(byte type, int seq, int fdCount, byte[] payload, int ackSeq) {
		byte[] frame = new byte[dataLength(payload, ackSeq)];
		encodeData(frame, type, seq, fdCount, payload, ackSeq);
		return frame;
	}

	/** The length of what {@link #encodeData} writes. */
	static int dataLength(byte[] payload, int ackSeq) {
		return ((ackSeq != 0) ? HEADER_SIZE : 0) + HEADER_SIZE + payload.length;
	}

	/**
	 * Encode a message frame, as {@link #data(byte, int, int, byte[], int)} does, into
	 * the start of {@code target}, which holds at least {@link #dataLength} bytes.
	 */
	static void encodeData(byte[] target, byte type, int seq, int fdCount, byte[] payload, int ackSeq) {
		int offset = (ackSeq != 0) ? HEADER_SIZE : 0;
		if (ackSeq != 0) {
			writeHeader(target, 0, ACK, 0, ackSeq, 0);
		}
		writeHeader(target, offset, type, fdCount, seq, payload.length);
		System.arraycopy(payload, 0, target, offset + HEADER_SIZE, payload.length);
	}

	static boolean isMessage(byte type) {
		return type == DATA || type == DATA_DELAYED_ACK;
	}

	private static void writeHeader(byte[] frame, int offset, byte type, int fdCount, int seq, int arg) {
		frame[offset] = type;
		frame[offset + 1] = (byte) fdCount;
		putInt(frame, offset + 2, seq);
		putInt(frame, offset + 6, arg);
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
			case DATA_DELAYED_ACK -> "DATA_DELAYED_ACK";
			default -> "unknown type " + (type & 0xff);
		};
	}

}
