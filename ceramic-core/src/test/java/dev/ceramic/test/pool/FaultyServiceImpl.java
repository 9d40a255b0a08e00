package dev.ceramic.test.pool;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.ceramic.test.proc.ChildJvms;

/**
 * The implementation of {@link FaultyService}, run in worker JVMs.
 */
public class FaultyServiceImpl implements FaultyService {

	/** Keeps allocations reachable until the heap is exhausted. */
	private static final List<Object> hoard = new ArrayList<>();

	private static volatile long spins;

	@Override
	public long compute(long value) {
		return value * 31 + 7;
	}

	@Override
	public long pid() {
		return ProcessHandle.current().pid();
	}

	@Override
	public int segfault() {
		// JNA reads the address in its native library: a fault the JVM cannot turn into
		// an
		// exception.
		return new Pointer(0).getInt(0);
	}

	@Override
	public void exit(int status) {
		System.exit(status);
	}

	@Override
	public void halt(int status) {
		Runtime.getRuntime().halt(status);
	}

	@Override
	public void killSelf(int signal) {
		LibC.INSTANCE.kill(LibC.INSTANCE.getpid(), signal);
	}

	@Override
	public int exhaustHeap() {
		while (true) {
			hoard.add(new long[1024 * 1024]);
		}
	}

	@Override
	public int recurseForever(int depth) {
		return recurseForever(depth + 1) + 1;
	}

	@Override
	public void spin() {
		while (true) {
			spins++;
		}
	}

	@Override
	public int sleepNatively(int seconds) {
		return LibC.INSTANCE.sleep(seconds);
	}

	@Override
	public long markAndSleep(String marker, long millis) {
		try {
			Files.createFile(Path.of(marker));
			Thread.sleep(millis);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return millis;
	}

	@Override
	public long writeGarbageToStdout(long value) {
		writeStdoutGarbage();
		return value;
	}

	private static void writeStdoutGarbage() {
		PrintStream out = System.out;
		byte[] binary = new byte[4096];
		for (int i = 0; i < binary.length; i++) {
			binary[i] = (byte) (i * 7919);
		}
		out.write(binary, 0, binary.length);
		// Invalid UTF-8, a lone NUL, CRs, a fake ready line, and a line far over the
		// forwarder's maximum line length.
		out.write(new byte[] { (byte) 0xc3, (byte) 0x28, (byte) 0xff, (byte) 0xfe, 0, '\r', '\n', '\r' }, 0, 8);
		out.println("\u0001ceramic-child-ready");
		out.println("x".repeat(100_000));
		out.print("no newline at the end");
		out.flush();
		try {
			// The same bytes around System.out, straight to the descriptor.
			OutputStream raw = new FileOutputStream(FileDescriptor.out);
			raw.write(binary);
			raw.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public int writeGarbageToChannel() {
		ChildJvms
			.writeBehindTheChannel("this is not a frame of the channel protocol\n".getBytes(StandardCharsets.US_ASCII));
		return 1;
	}

	@Override
	public int replyOutOfOrder() {
		ChildJvms.writeBehindTheChannel(strayReply(0x7fff0000));
		// Only the stray reply, not this method's own after it.
		sleepQuietly(60_000);
		return 1;
	}

	@Override
	public int replyTwice() {
		byte[] first = strayReply(0x7fff0000);
		byte[] second = strayReply(0x7fff0001);
		byte[] both = new byte[first.length + second.length];
		System.arraycopy(first, 0, both, 0, first.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		// In one write, so that the second arrives before the first is taken.
		ChildJvms.writeBehindTheChannel(both);
		sleepQuietly(60_000);
		return 1;
	}

	/**
	 * A DATA frame (type 1, no fds, seq, length) around a RESULT ('R') for call
	 * Integer.MIN_VALUE, whose value is the JSON "7" with its u32 length prefix.
	 */
	private static byte[] strayReply(int seq) {
		byte[] payload = { 'R', (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, '7' };
		return frame(1, seq, payload.length, payload);
	}

	private static void sleepQuietly(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public int replyOversized() {
		ChildJvms.writeBehindTheChannel(frame(1, 0x7fff0001, Integer.MAX_VALUE, new byte[0]));
		return 1;
	}

	private static byte[] frame(int type, int seq, int length, byte[] payload) {
		byte[] frame = new byte[10 + payload.length];
		frame[0] = (byte) type;
		frame[1] = 0;
		putInt(frame, 2, seq);
		putInt(frame, 6, length);
		System.arraycopy(payload, 0, frame, 10, payload.length);
		return frame;
	}

	private static void putInt(byte[] bytes, int offset, int value) {
		bytes[offset] = (byte) (value >>> 24);
		bytes[offset + 1] = (byte) (value >>> 16);
		bytes[offset + 2] = (byte) (value >>> 8);
		bytes[offset + 3] = (byte) value;
	}

	@Override
	public void faultWhileIdle(Fault fault, long delayMillis, String doneMarker) {
		Thread thread = new Thread(() -> {
			try {
				Thread.sleep(delayMillis);
			}
			catch (InterruptedException ex) {
				return;
			}
			switch (fault) {
				case SEGFAULT -> segfault();
				case EXIT -> exit(3);
				case HALT -> halt(4);
				case OUT_OF_MEMORY -> exhaustHeap();
				case STDOUT_GARBAGE -> writeStdoutGarbage();
				case CHANNEL_GARBAGE -> writeGarbageToChannel();
			}
			try {
				Files.createFile(Path.of(doneMarker));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}, "faulty-" + fault);
		thread.setDaemon(true);
		thread.start();
	}

	/** The part of libc these tests call. */
	public interface LibC extends Library {

		/** libc, loaded once. */
		LibC INSTANCE = Native.load("c", LibC.class);

		/**
		 * Sleep in the kernel.
		 * @param seconds how long
		 * @return the seconds left when interrupted by a signal
		 */
		int sleep(int seconds);

		/**
		 * Return the process's id.
		 * @return the pid
		 */
		int getpid();

		/**
		 * Send a process a signal.
		 * @param pid the process
		 * @param signal the signal, 0 for none
		 * @return 0, or -1 on failure
		 */
		int kill(int pid, int signal);

	}

}
