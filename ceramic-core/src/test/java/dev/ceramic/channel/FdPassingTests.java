package dev.ceramic.channel;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.ceramic.process.Proc;
import dev.ceramic.test.channel.FdPeer;
import dev.ceramic.test.proc.ChildJvms;
import dev.ceramic.test.proc.Echo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.FileDescriptorCast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * File descriptors passed with {@code SCM_RIGHTS} between this JVM and a real child.
 */
@Timeout(60)
class FdPassingTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void childReadsAFileAndWritesIntoAPipeThroughPassedDescriptors(@TempDir Path directory) throws Exception {
		byte[] content = "known content\nof a file passed as a descriptor\n".getBytes(StandardCharsets.UTF_8);
		Path file = Files.write(directory.resolve("passed.txt"), content);
		int[] pipe = new int[2];
		assertThat(LibC.INSTANCE.pipe(pipe)).isZero();
		FileDescriptor readEnd = FileDescriptorCast.unsafeUsing(pipe[0]).getFileDescriptor();
		FileDescriptor writeEnd = FileDescriptorCast.unsafeUsing(pipe[1]).getFileDescriptor();
		Chan chan = Chan.open();
		try (FileInputStream in = new FileInputStream(readEnd);
				FileInputStream fileIn = new FileInputStream(file.toFile());
				Proc proc = Proc.start(FdPeer.class, chan, ChildJvms.options("fd-test-file-pipe").build())) {
			chan.send("file+pipe".getBytes(StandardCharsets.UTF_8), TIMEOUT);
			chan.sendWithFds("here you are".getBytes(StandardCharsets.UTF_8), fileIn.getFD(), writeEnd);
			// Our copy of the write end goes, so the pipe ends when the child's copy
			// does.
			Descriptors.closeQuietly(writeEnd);
			assertThat(chan.recv(TIMEOUT)).isEqualTo(content);
			BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
			assertThat(lines.readLine()).isEqualTo(FdPeer.PIPE_LINE + content.length);
			assertThat(lines.readLine()).as("end of the pipe once the child closed its end").isNull();
			// The child read through the very same open file, not a file it opened
			// itself: the offset we share with it moved to the end.
			assertThat(fileIn.getChannel().position()).isEqualTo(content.length);
		}
		finally {
			Descriptors.closeQuietly(writeEnd);
		}
	}

	@Test
	void recvClosesTheDescriptorsThatCameWithAMessage(@TempDir Path directory) throws Exception {
		Path file = Files.writeString(directory.resolve("fd.txt"), "x");
		Chan chan = Chan.open();
		try (FileInputStream first = new FileInputStream(file.toFile());
				FileInputStream second = new FileInputStream(file.toFile());
				Proc proc = Proc.start(FdPeer.class, chan, ChildJvms.options("fd-test-count").build())) {
			FileDescriptor[] fds = { first.getFD(), second.getFD() };

			// The control: descriptors kept with recvWithFds do show in the count.
			chan.send("keep 10".getBytes(StandardCharsets.UTF_8), TIMEOUT);
			for (int i = 0; i < 10; i++) {
				chan.sendWithFds(new byte[] { (byte) i }, fds);
			}
			long[] kept = counts(chan.recv(TIMEOUT));
			// The child's parent watchdog reads /proc every 100 ms, holding one
			// descriptor
			// for that moment, so each count may be one higher than the child's own.
			assertThat(kept[1] - kept[0]).as("descriptors held after 10 messages of 2").isBetween(19L, 21L);
			assertThat(kept[2]).as("after closing them").isBetween(kept[0] - 1, kept[0] + 1);

			int warmUp = 5;
			int messages = 50;
			chan.send(("count " + warmUp + " " + messages).getBytes(StandardCharsets.UTF_8), TIMEOUT);
			for (int i = 0; i < warmUp + messages; i++) {
				chan.sendWithFds(new byte[] { (byte) i }, fds);
			}
			long[] counted = counts(chan.recv(TIMEOUT));
			assertThat(counted[1]).as("open descriptors after %d messages with recv()", messages)
				.isLessThanOrEqualTo(counted[0] + 1);
			// Ours are still open: the child got copies.
			assertThat(first.getFD().valid()).isTrue();
			assertThat(first.read()).isEqualTo('x');
		}
	}

	@Test
	void moreDescriptorsThanTheMaximumAreRefusedBeforeSending(@TempDir Path directory) throws Exception {
		Path file = Files.writeString(directory.resolve("fd.txt"), "x");
		Chan chan = Chan.open(new ChanOptions(1024 * 1024, 2));
		try (FileInputStream in = new FileInputStream(file.toFile());
				Proc proc = Proc.start(Echo.class, chan, ChildJvms.options("fd-test-max").build())) {
			FileDescriptor fd = in.getFD();
			assertThatIllegalArgumentException()
				.isThrownBy(() -> chan.sendWithFds("three".getBytes(StandardCharsets.UTF_8), fd, fd, fd))
				.withMessage("A message may carry at most 2 file descriptors, but 3 were given");
			// Nothing went out, and the channel still works, with the maximum too.
			chan.sendWithFds("two".getBytes(StandardCharsets.UTF_8), fd, fd);
			assertThat(chan.recv(TIMEOUT)).asString(StandardCharsets.UTF_8).isEqualTo("two");
			chan.send("none".getBytes(StandardCharsets.UTF_8));
			assertThat(chan.recv(TIMEOUT)).asString(StandardCharsets.UTF_8).isEqualTo("none");
		}
	}

	private static long[] counts(byte[] reply) {
		String[] fields = new String(reply, StandardCharsets.UTF_8).split(" ");
		long[] counts = new long[fields.length];
		for (int i = 0; i < fields.length; i++) {
			counts[i] = Long.parseLong(fields[i]);
		}
		return counts;
	}

	/** The part of libc these tests use. */
	interface LibC extends Library {

		LibC INSTANCE = Native.load("c", LibC.class);

		int pipe(int[] fds);

	}

}
