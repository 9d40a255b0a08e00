package dev.ceramic.channel;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

import dev.ceramic.process.Proc;
import dev.ceramic.process.ProcMain;
import dev.ceramic.test.Waiting;
import dev.ceramic.test.proc.ChildJvms;
import dev.ceramic.test.proc.Echo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A child's end of a channel ({@link StandardInputSocket}) starts on plain
 * {@code java.io} and is taken over by junixsocket, loaded in the background. Each child
 * here uses its channel at once, so that its first calls meet the socket before or while
 * junixsocket takes over: the calls that need junixsocket wait for it, and the others
 * must not notice.
 */
@Timeout(60)
class ChildChannelTakeoverTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** Exit status of a child whose checks all passed. */
	static final int PASSED = 43;

	/**
	 * A channel that carries no descriptors, as a pool's: its untimed reads are plain.
	 */
	private static final ChanOptions NO_FDS = new ChanOptions(ChanOptions.DEFAULT_MAX_FRAME_SIZE, 0);

	@Test
	void aTimedRecvAtOnceTimesOutAndTheChannelStillWorks() {
		Chan chan = Chan.open(NO_FDS);
		try (Proc proc = Proc.start(TimedReceiver.class, chan, ChildJvms.options("takeover-timed").build())) {
			// Long after the child's 200 ms timeout.
			assertThat(new String(chan.recv(TIMEOUT), StandardCharsets.UTF_8)).isEqualTo("timed out");
			chan.send("ping".getBytes(StandardCharsets.UTF_8), TIMEOUT);
			assertThat(new String(chan.recv(TIMEOUT), StandardCharsets.UTF_8)).isEqualTo("got ping");
		}
	}

	@Test
	void aChildsCloseWakesItsOwnThreadBlockedInAPlainRead() throws InterruptedException {
		Chan chan = Chan.open(NO_FDS);
		try (Proc proc = Proc.start(SelfCloser.class, chan, ChildJvms.options("takeover-close").build())) {
			// Nothing here reads or closes the channel until the child has exited:
			// only the child's own close can wake its thread.
			assertThat(proc.waitFor(TIMEOUT)).hasValue(PASSED);
			assertThatExceptionOfType(ChannelClosedException.class).isThrownBy(() -> chan.recv(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ChannelClosedException.Reason.PEER_CLOSED));
		}
	}

	@Test
	void descriptorsSentAtOnceArrive() throws IOException {
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(DescriptorSender.class, chan, ChildJvms.options("takeover-fds").build())) {
			Received received = chan.recvWithFds(TIMEOUT);
			assertThat(received.fileDescriptors()).hasSize(1);
			try (FileInputStream in = new FileInputStream(received.fileDescriptors()[0])) {
				assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(DescriptorSender.CONTENT);
			}
		}
	}

	@Test
	void aReceiverWithoutDescriptorsTakesMessagesSentRightAfterTheStart() {
		Chan chan = Chan.open(NO_FDS);
		try (Proc proc = Proc.start(Echo.class, chan, ChildJvms.options("takeover-echo").build())) {
			for (int i = 0; i < 100; i++) {
				byte[] message = ("message " + i).getBytes(StandardCharsets.UTF_8);
				chan.send(message, TIMEOUT);
				assertThat(chan.recv(TIMEOUT)).isEqualTo(message);
			}
		}
	}

	/** Receives with a 200 ms timeout at once, reports that, then answers one message. */
	public static class TimedReceiver implements ProcMain {

		@Override
		public void run(Chan chan) {
			try {
				chan.recv(Duration.ofMillis(200));
				chan.send("received something".getBytes(StandardCharsets.UTF_8));
			}
			catch (ChannelTimeoutException ex) {
				chan.send("timed out".getBytes(StandardCharsets.UTF_8));
			}
			byte[] message = chan.recv();
			chan.send(("got " + new String(message, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
		}

	}

	/**
	 * Starts a thread that receives at once, so that it is most likely blocked in a plain
	 * read, then closes the channel once the thread is blocked (a close waits for
	 * junixsocket to take over). Exits with {@link #PASSED} if that woke the thread.
	 */
	public static class SelfCloser implements ProcMain {

		@Override
		public void run(Chan chan) throws Exception {
			Thread receiver = new Thread(() -> {
				try {
					chan.recv();
				}
				catch (ChannelClosedException ex) {
					if (ex.reason() == ChannelClosedException.Reason.CLOSED_HERE) {
						System.exit(PASSED);
					}
				}
			});
			receiver.start();
			Waiting.awaitBlocked("the receiver's recv", receiver);
			chan.close();
			receiver.join(5000);
			System.exit(1);
		}

	}

	/** Sends an open file with its first message. */
	public static class DescriptorSender implements ProcMain {

		static final String CONTENT = "sent by the child before anything else";

		@Override
		public void run(Chan chan) throws IOException {
			File file = File.createTempFile("ceramic-takeover", ".txt");
			try {
				Files.writeString(file.toPath(), CONTENT);
				try (FileInputStream in = new FileInputStream(file)) {
					chan.sendWithFds("file".getBytes(StandardCharsets.UTF_8), in.getFD());
				}
			}
			finally {
				file.delete();
			}
			try {
				chan.recv();
			}
			catch (ChannelClosedException ex) {
				// The test is over.
			}
		}

	}

}
