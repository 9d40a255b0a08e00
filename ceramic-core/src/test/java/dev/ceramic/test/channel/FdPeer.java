package dev.ceramic.test.channel;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.channel.Descriptors;
import dev.ceramic.channel.Received;
import dev.ceramic.process.ProcMain;

/**
 * The child side of the fd passing tests. It waits for a command (a raw UTF-8 string),
 * does it, and waits for the next, until the channel closes.
 *
 * <ul>
 * <li>{@code file+pipe}: receive a message with two descriptors, a readable file and the
 * write end of a pipe; read the file through the first, write {@link #PIPE_LINE} and the
 * file's size into the second, close both, and send back the file's content.</li>
 * <li>{@code count W N}: receive {@code W} messages with {@code recv()} to warm up, count
 * this process's open descriptors, receive {@code N} more with {@code recv()}, count
 * again, and send back {@code "before after"}.</li>
 * <li>{@code keep N}: count, receive {@code N} messages with {@code recvWithFds()}
 * keeping their descriptors, count, close them all, count, and send back
 * {@code "before holding closed"}.</li>
 * </ul>
 */
public class FdPeer implements ProcMain {

	/** The start of the line written into the pipe. */
	public static final String PIPE_LINE = "hello through the pipe, file size ";

	@Override
	public void run(Chan chan) throws IOException {
		try {
			while (true) {
				String[] command = new String(chan.recv(), StandardCharsets.UTF_8).split(" ");
				switch (command[0]) {
					case "file+pipe" -> fileAndPipe(chan);
					case "count" -> count(chan, Integer.parseInt(command[1]), Integer.parseInt(command[2]));
					case "keep" -> keep(chan, Integer.parseInt(command[1]));
					default -> throw new IllegalArgumentException("Unknown command " + String.join(" ", command));
				}
			}
		}
		catch (ChannelClosedException ex) {
			// The parent is done with us.
		}
	}

	private void fileAndPipe(Chan chan) throws IOException {
		Received received = chan.recvWithFds();
		FileDescriptor[] fds = received.fileDescriptors();
		if (fds.length != 2) {
			Descriptors.closeQuietly(fds);
			throw new IllegalStateException("Expected 2 descriptors, got " + fds.length);
		}
		byte[] content;
		try (FileInputStream file = new FileInputStream(fds[0])) {
			content = file.readAllBytes();
		}
		try (FileOutputStream pipe = new FileOutputStream(fds[1])) {
			pipe.write((PIPE_LINE + content.length + "\n").getBytes(StandardCharsets.UTF_8));
		}
		chan.send(content);
	}

	private void count(Chan chan, int warmUp, int messages) {
		for (int i = 0; i < warmUp; i++) {
			chan.recv();
		}
		long before = openDescriptors();
		for (int i = 0; i < messages; i++) {
			chan.recv();
		}
		long after = openDescriptors();
		chan.send((before + " " + after).getBytes(StandardCharsets.UTF_8));
	}

	private void keep(Chan chan, int messages) {
		long before = openDescriptors();
		List<FileDescriptor> kept = new ArrayList<>();
		for (int i = 0; i < messages; i++) {
			kept.addAll(List.of(chan.recvWithFds().fileDescriptors()));
		}
		long holding = openDescriptors();
		Descriptors.closeQuietly(kept.toArray(new FileDescriptor[0]));
		long closed = openDescriptors();
		chan.send((before + " " + holding + " " + closed).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Count this process's open descriptors.
	 * @return the count, including the one used to list them
	 */
	public static long openDescriptors() {
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			return fds.count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
