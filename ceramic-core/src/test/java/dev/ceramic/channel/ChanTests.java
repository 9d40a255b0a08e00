package dev.ceramic.channel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.ceramic.test.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Semantics of {@link Chan} between two threads of one process. The same behaviour across
 * processes is covered by {@link ChanProcessTests}.
 */
@Timeout(30)
class ChanTests {

	private static final Duration SHORT = Duration.ofMillis(300);

	private final TestThreads started = new TestThreads("chan-test");

	private final ExecutorService threads = this.started.newCachedThreadPool();

	private Chan left;

	private Chan right;

	@BeforeEach
	void open() {
		this.left = Chan.open();
		this.right = this.left.peerEnd();
	}

	@AfterEach
	void close() {
		this.left.close();
		this.right.close();
		this.threads.shutdownNow();
	}

	@Test
	void sendReturnsOnlyAfterThePeersRecvTookTheMessage() throws Exception {
		AtomicLong clock = new AtomicLong();
		Future<Long> sent = this.threads.submit(() -> {
			this.left.send(bytes("hello"));
			return clock.incrementAndGet();
		});
		awaitBlocked();
		long recvStarted = clock.incrementAndGet();
		byte[] message = this.right.recv();
		assertThat(string(message)).isEqualTo("hello");
		assertThat(sent.get(5, TimeUnit.SECONDS)).isGreaterThan(recvStarted);
	}

	@Test
	void bothEndsSendAndReceive() {
		CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> this.right.send(this.right.recv()),
				this.threads);
		this.left.send(bytes("ping"));
		assertThat(string(this.left.recv())).isEqualTo("ping");
		echo.join();
	}

	@Test
	void concurrentSendersOnOneEndAreSerializedNotInterleaved() throws Exception {
		int senders = 8;
		int perSender = 25;
		List<Future<?>> futures = new ArrayList<>();
		for (int s = 0; s < senders; s++) {
			byte fill = (byte) s;
			futures.add(this.threads.submit(() -> {
				for (int i = 0; i < perSender; i++) {
					byte[] message = new byte[100_000 + i];
					Arrays.fill(message, fill);
					this.left.send(message);
				}
				return null;
			}));
		}
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < senders * perSender; i++) {
			byte[] message = this.right.recv();
			byte fill = message[0];
			for (byte b : message) {
				assertThat(b).as("message bytes from one sender only").isEqualTo(fill);
			}
			assertThat(seen.add(fill + ":" + message.length)).as("each message exactly once").isTrue();
		}
		for (Future<?> future : futures) {
			future.get(10, TimeUnit.SECONDS);
		}
		assertThat(seen).hasSize(senders * perSender);
	}

	@Test
	void concurrentReceiversOnOneEndEachGetDistinctMessages() throws Exception {
		List<Future<String>> receivers = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			receivers.add(this.threads.submit(() -> string(this.right.recv())));
		}
		for (int i = 0; i < 4; i++) {
			this.left.send(bytes("m" + i));
		}
		Set<String> got = new HashSet<>();
		for (Future<String> receiver : receivers) {
			got.add(receiver.get(5, TimeUnit.SECONDS));
		}
		assertThat(got).containsExactlyInAnyOrder("m0", "m1", "m2", "m3");
	}

	@Test
	void recvTimeoutConsumesNothingAndLeavesTheChannelUsable() {
		assertThatExceptionOfType(ChannelTimeoutException.class).isThrownBy(() -> this.right.recv(SHORT))
			.withMessageContaining("nothing was consumed");
		CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> this.left.send(bytes("after")), this.threads);
		assertThat(string(this.right.recv(Duration.ofSeconds(5)))).isEqualTo("after");
		sent.join();
	}

	@Test
	void sendTimeoutWithdrawsTheMessage() {
		long start = System.nanoTime();
		assertThatExceptionOfType(ChannelTimeoutException.class).isThrownBy(() -> this.left.send(bytes("first"), SHORT))
			.withMessageContaining("withdrawn");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(SHORT);
		CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> this.left.send(bytes("second")), this.threads);
		assertThat(string(this.right.recv(Duration.ofSeconds(5)))).isEqualTo("second");
		sent.join();
	}

	@Test
	void closeWakesABlockedRecvOnTheSameEnd() throws Exception {
		Future<Throwable> recv = this.threads.submit(() -> catchThrowable(() -> this.right.recv()));
		awaitBlocked();
		this.right.close();
		assertThat(recv.get(2, TimeUnit.SECONDS)).isInstanceOf(ChannelClosedException.class)
			.extracting((ex) -> ((ChannelClosedException) ex).reason())
			.isEqualTo(ChannelClosedException.Reason.CLOSED_HERE);
	}

	@Test
	void closeWakesABlockedRecvOnThePeer() throws Exception {
		Future<Throwable> recv = this.threads.submit(() -> catchThrowable(() -> this.right.recv()));
		awaitBlocked();
		this.left.close();
		assertThat(recv.get(2, TimeUnit.SECONDS)).isExactlyInstanceOf(ChannelClosedException.class)
			.extracting((ex) -> ((ChannelClosedException) ex).reason())
			.isEqualTo(ChannelClosedException.Reason.PEER_CLOSED);
	}

	@Test
	void closeWakesASendWaitingForItsReceiverOnTheSameEnd() throws Exception {
		Future<Throwable> send = this.threads.submit(() -> catchThrowable(() -> this.left.send(bytes("x"))));
		awaitBlocked();
		this.left.close();
		assertThat(send.get(2, TimeUnit.SECONDS)).isInstanceOf(ChannelClosedException.class)
			.extracting((ex) -> ((ChannelClosedException) ex).reason())
			.isEqualTo(ChannelClosedException.Reason.CLOSED_HERE);
	}

	@Test
	void closeWakesASendWaitingForItsReceiverOnThePeer() throws Exception {
		Future<Throwable> send = this.threads.submit(() -> catchThrowable(() -> this.left.send(bytes("x"))));
		awaitBlocked();
		this.right.close();
		assertThat(send.get(2, TimeUnit.SECONDS)).isInstanceOf(ChannelClosedException.class)
			.extracting((ex) -> ((ChannelClosedException) ex).reason())
			.isEqualTo(ChannelClosedException.Reason.PEER_CLOSED);
	}

	@Test
	void closeWakesASendBlockedWritingALargeFrame() throws Exception {
		byte[] large = new byte[16 * 1024 * 1024];
		Future<Throwable> send = this.threads.submit(() -> catchThrowable(() -> this.left.send(large)));
		awaitBlocked();
		this.right.close();
		assertThat(send.get(2, TimeUnit.SECONDS)).isInstanceOf(ChannelClosedException.class);
	}

	@Test
	void sendAfterCloseFailsAtOnce() {
		this.left.close();
		assertThatExceptionOfType(ChannelClosedException.class).isThrownBy(() -> this.left.send(bytes("x")))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ChannelClosedException.Reason.CLOSED_HERE));
	}

	@Test
	void recvAfterThePeerClosedReportsTheEndOfTheChannel() {
		this.left.close();
		assertThatExceptionOfType(ChannelClosedException.class).isThrownBy(() -> this.right.recv())
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ChannelClosedException.Reason.PEER_CLOSED));
		assertThatExceptionOfType(ChannelClosedException.class).isThrownBy(() -> this.right.recv());
		assertThat(this.right.isOpen()).isFalse();
	}

	@Test
	void bothEndsSendingWithNobodyReceivingIsADeadlockOnBothEnds() throws Exception {
		Future<Throwable> leftSend = this.threads.submit(() -> catchThrowable(() -> this.left.send(bytes("l"))));
		Future<Throwable> rightSend = this.threads.submit(() -> catchThrowable(() -> this.right.send(bytes("r"))));
		assertThat(leftSend.get(5, TimeUnit.SECONDS)).isInstanceOf(DeadlockException.class);
		assertThat(rightSend.get(5, TimeUnit.SECONDS)).isInstanceOf(DeadlockException.class);
		// Neither message was delivered, and the channel still works.
		CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> this.left.send(bytes("after")), this.threads);
		assertThat(string(this.right.recv(Duration.ofSeconds(5)))).isEqualTo("after");
		sent.join();
	}

	@Test
	void bothEndsSendingIsNoDeadlockWhenOneEndAlsoReceives() throws Exception {
		Future<String> leftReceiver = this.threads.submit(() -> string(this.left.recv()));
		awaitBlocked();
		Future<Throwable> leftSend = this.threads.submit(() -> catchThrowable(() -> this.left.send(bytes("l"))));
		Future<Throwable> rightSend = this.threads.submit(() -> catchThrowable(() -> this.right.send(bytes("r"))));
		assertThat(rightSend.get(5, TimeUnit.SECONDS)).isNull();
		assertThat(leftReceiver.get(5, TimeUnit.SECONDS)).isEqualTo("r");
		assertThat(string(this.right.recv(Duration.ofSeconds(5)))).isEqualTo("l");
		assertThat(leftSend.get(5, TimeUnit.SECONDS)).isNull();
	}

	@Test
	void anOversizedSendFailsBeforeWritingAndTheChannelStaysOpen() {
		Chan small = Chan.open(ChanOptions.defaults().withMaxFrameSize(1024));
		try (small; Chan peer = small.peerEnd()) {
			assertThatExceptionOfType(FrameTooLargeException.class).isThrownBy(() -> small.send(new byte[1025]))
				.withMessageContaining("1024");
			assertThat(small.isOpen()).isTrue();
		}
	}

	@Test
	void anOversizedIncomingFrameClosesTheChannelWithAClearError() throws Exception {
		Chan big = Chan.open();
		try (big; Chan small = big.peerEnd(ChanOptions.defaults().withMaxFrameSize(1024))) {
			Future<Throwable> send = this.threads.submit(() -> catchThrowable(() -> big.send(new byte[4096])));
			assertThatExceptionOfType(FrameTooLargeException.class).isThrownBy(small::recv)
				.withMessageContaining("4096")
				.withMessageContaining("maximum frame size of 1024");
			assertThat(small.isOpen()).isFalse();
			assertThat(send.get(2, TimeUnit.SECONDS)).isInstanceOf(ChannelClosedException.class);
		}
	}

	@Test
	void peerEndCanBeTakenOnlyOnce() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(this.left::peerEnd)
			.withMessageContaining("already taken");
	}

	/** Wait until the calls started on other threads are blocked in the channel. */
	private void awaitBlocked() {
		this.started.awaitBlocked();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

	private static String string(byte[] bytes) {
		return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
	}

}
