package dev.ceramic.channel;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.ceramic.process.Proc;
import dev.ceramic.process.ProcMain;
import dev.ceramic.process.ProcOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.newsclub.net.unix.AFUNIXSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The delayed acknowledgement: what one end of a {@link Chan} writes when it receives,
 * read off the raw socket of the other end.
 */
@Timeout(60)
class DelayedAckTests {

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final Chan chan = Chan.open();

	private final AFUNIXSocket peer = this.chan.detachPeerSocket();

	@AfterEach
	void stop() throws IOException {
		this.threads.shutdownNow();
		this.chan.close();
		this.peer.close();
	}

	@Test
	void theAcknowledgementOfAnUntimedSendGoesOutBeforeTheReceiversReply() throws Exception {
		this.peer.getOutputStream().write(Frame.data(Frame.DATA_DELAYED_ACK, 7, 0, bytes("ping"), 0));
		assertThat(this.chan.recv()).isEqualTo(bytes("ping"));
		Future<?> reply = this.threads.submit(() -> this.chan.send(bytes("pong")));
		DataInputStream in = new DataInputStream(this.peer.getInputStream());
		assertThat(readHeader(in)).isEqualTo(new Header(Frame.ACK, 7, 0));
		Header data = readHeader(in);
		assertThat(data.type()).isEqualTo(Frame.DATA_DELAYED_ACK);
		assertThat(data.arg()).isEqualTo(4);
		assertThat(in.readNBytes(4)).isEqualTo(bytes("pong"));
		assertThat(reply.isDone()).isFalse();
		this.peer.getOutputStream().write(Frame.control(Frame.ACK, data.seq(), 0));
		reply.get(5, TimeUnit.SECONDS);
	}

	@Test
	void aSendWithATimeoutIsAcknowledgedBeforeRecvReturns() throws Exception {
		this.peer.getOutputStream().write(Frame.data(Frame.DATA, 3, 0, bytes("now"), 0));
		assertThat(this.chan.recv()).isEqualTo(bytes("now"));
		assertThat(this.peer.getInputStream().available()).isEqualTo(Frame.HEADER_SIZE);
		assertThat(readHeader(new DataInputStream(this.peer.getInputStream()))).isEqualTo(new Header(Frame.ACK, 3, 0));
	}

	@Test
	void aHeldAcknowledgementGoesOutOnItsOwnWhenTheReceiverWritesNothing() throws Exception {
		this.peer.getOutputStream().write(Frame.data(Frame.DATA_DELAYED_ACK, 5, 0, bytes("quiet"), 0));
		assertThat(this.chan.recv()).isEqualTo(bytes("quiet"));
		this.peer.setSoTimeout(5_000);
		assertThat(readHeader(new DataInputStream(this.peer.getInputStream()))).isEqualTo(new Header(Frame.ACK, 5, 0));
	}

	@Test
	void theNextRecvWritesAHeldAcknowledgementBeforeItWaits() throws Exception {
		this.peer.getOutputStream().write(Frame.data(Frame.DATA_DELAYED_ACK, 1, 0, bytes("one"), 0));
		assertThat(this.chan.recv()).isEqualTo(bytes("one"));
		Future<byte[]> second = this.threads.submit(() -> this.chan.recv());
		DataInputStream in = new DataInputStream(this.peer.getInputStream());
		assertThat(readHeader(in)).isEqualTo(new Header(Frame.ACK, 1, 0));
		this.peer.getOutputStream().write(Frame.data(Frame.DATA_DELAYED_ACK, 2, 0, bytes("two"), 0));
		assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(bytes("two"));
	}

	@Test
	void closeWritesAHeldAcknowledgementBeforeTheClose() throws Exception {
		this.peer.getOutputStream().write(Frame.data(Frame.DATA_DELAYED_ACK, 9, 0, bytes("last"), 0));
		assertThat(this.chan.recv()).isEqualTo(bytes("last"));
		this.chan.close();
		DataInputStream in = new DataInputStream(this.peer.getInputStream());
		assertThat(readHeader(in)).isEqualTo(new Header(Frame.ACK, 9, 0));
		assertThat(readHeader(in).type()).isEqualTo(Frame.CLOSE);
	}

	@Test
	void aRequestIsAcknowledgedWithTheReply() throws Exception {
		Future<?> request = this.threads.submit(() -> this.chan.sendRequest(bytes("call"), Duration.ofSeconds(30)));
		DataInputStream in = new DataInputStream(this.peer.getInputStream());
		Header data = readHeader(in);
		assertThat(data.type()).isEqualTo(Frame.DATA_DELAYED_ACK);
		assertThat(data.arg()).isEqualTo(4);
		assertThat(in.readNBytes(4)).isEqualTo(bytes("call"));
		assertThat(request.isDone()).isFalse();
		// What a Chan receiver writes when it replies: its held ACK and the reply, in one
		// write.
		this.peer.getOutputStream().write(Frame.data(Frame.DATA_DELAYED_ACK, 1, 0, bytes("result"), data.seq()));
		request.get(5, TimeUnit.SECONDS);
		assertThat(this.chan.recv()).isEqualTo(bytes("result"));
		assertThat(this.chan.isOpen()).isTrue();
	}

	@Test
	void aRequestGetsItsReplyFromAChanPeer() throws Exception {
		// The receiving end is a Chan as well, so that the frames it writes are its own.
		Chan requester = Chan.open();
		try (Chan receiver = requester.peerEnd()) {
			Future<?> serving = this.threads.submit(() -> receiver.send(reverse(receiver.recv())));
			requester.sendRequest(bytes("abc"), Duration.ofSeconds(30));
			assertThat(requester.recv(Duration.ofSeconds(30))).isEqualTo(bytes("cba"));
			// The reply's own acknowledgement is held by the requester until it writes
			// again; at close at the latest.
			requester.close();
			serving.get(5, TimeUnit.SECONDS);
		}
	}

	@Test
	void aHeldAcknowledgementStillGoesOutOnItsOwnAfterRepliesCarriedThemForAWhile() throws Exception {
		Chan requester = Chan.open();
		try (Chan receiver = requester.peerEnd()) {
			Future<?> serving = this.threads.submit(() -> {
				for (int i = 0; i < 5_000; i++) {
					receiver.send(receiver.recv());
				}
				// Takes one more message and stays quiet: no reply, no recv.
				receiver.recv();
				return null;
			});
			// Long enough for the flusher, which finds nothing to write, to look less
			// often.
			for (int i = 0; i < 5_000; i++) {
				requester.send(bytes("ping"));
				requester.recv();
			}
			long start = System.nanoTime();
			// Untimed: a send with a timeout is acknowledged at once.
			requester.send(bytes("unanswered"));
			long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			serving.get(30, TimeUnit.SECONDS);
			// DELAY + MAX_POLL is 33 ms; the margin is for a loaded machine.
			assertThat(elapsedMillis).isLessThan(1000);
		}
	}

	@Test
	void theFlusherLooksLessOftenWhileThereIsNothingToWrite() {
		long poll = AckFlusher.DELAY_NANOS;
		poll = AckFlusher.nextPoll(poll, AckFlusher.IDLE);
		assertThat(poll).isEqualTo(2 * AckFlusher.DELAY_NANOS);
		for (int i = 0; i < 10; i++) {
			poll = AckFlusher.nextPoll(poll, AckFlusher.IDLE);
		}
		assertThat(poll).isEqualTo(AckFlusher.MAX_POLL_NANOS);
		assertThat(AckFlusher.nextPoll(poll, AckFlusher.HOLDING)).isEqualTo(AckFlusher.MAX_POLL_NANOS);
		assertThat(AckFlusher.nextPoll(poll, AckFlusher.FLUSHED)).isEqualTo(AckFlusher.DELAY_NANOS);
	}

	@Test
	void aRequestThatTimesOutClosesTheChannel() throws Exception {
		assertThatExceptionOfType(ChannelTimeoutException.class)
			.isThrownBy(() -> this.chan.sendRequest(bytes("lost"), Duration.ofMillis(100)))
			.withMessageContaining("cannot be withdrawn")
			.withMessageContaining("closed");
		assertThat(this.chan.isOpen()).isFalse();
		assertThatExceptionOfType(ChannelClosedException.class).isThrownBy(this.chan::recv)
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ChannelClosedException.Reason.CLOSED_HERE));
		// The peer got the request, then a close: no CANCEL, since it may already have
		// taken it.
		DataInputStream in = new DataInputStream(this.peer.getInputStream());
		Header data = readHeader(in);
		assertThat(data.type()).isEqualTo(Frame.DATA_DELAYED_ACK);
		assertThat(in.readNBytes(data.arg())).isEqualTo(bytes("lost"));
		assertThat(readHeader(in).type()).isEqualTo(Frame.CLOSE);
	}

	@Test
	void aTimedSendIsStillWithdrawnAndLeavesTheChannelOpen() throws Exception {
		assertThatExceptionOfType(ChannelTimeoutException.class)
			.isThrownBy(() -> this.chan.send(bytes("maybe"), Duration.ofMillis(100)))
			.withMessageContaining("withdrawn");
		assertThat(this.chan.isOpen()).isTrue();
		DataInputStream in = new DataInputStream(this.peer.getInputStream());
		Header data = readHeader(in);
		assertThat(data.type()).isEqualTo(Frame.DATA);
		assertThat(in.readNBytes(data.arg())).isEqualTo(bytes("maybe"));
		assertThat(readHeader(in)).isEqualTo(new Header(Frame.CANCEL, data.seq(), 0));
	}

	@Test
	void aChildThatExitsRightAfterItsRecvStillAcknowledges() throws Exception {
		Chan toChild = Chan.open();
		try (Proc proc = Proc.start(ReceiveThenExit.class, toChild, ProcOptions.defaults())) {
			// The held acknowledgement goes out during the child's shutdown (by the
			// flusher, or by its shutdown hook), so this send succeeds instead of
			// reporting the peer gone.
			toChild.send(bytes("bye"));
			assertThat(proc.waitFor(Duration.ofSeconds(30))).hasValue(ReceiveThenExit.STATUS);
		}
	}

	private static Header readHeader(DataInputStream in) throws IOException {
		byte type = in.readByte();
		assertThat(in.readByte()).as("descriptor count").isZero();
		return new Header(type, in.readInt(), in.readInt());
	}

	private static byte[] reverse(byte[] bytes) {
		byte[] reversed = new byte[bytes.length];
		for (int i = 0; i < bytes.length; i++) {
			reversed[i] = bytes[bytes.length - 1 - i];
		}
		return reversed;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	record Header(byte type, int seq, int arg) {
	}

	/** Takes one message and exits at once, without closing its channel. */
	public static class ReceiveThenExit implements ProcMain {

		static final int STATUS = 42;

		@Override
		public void run(Chan chan) {
			chan.recv();
			System.exit(STATUS);
		}

	}

}
