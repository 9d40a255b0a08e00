package dev.ceramic.channel;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.ceramic.process.Proc;
import dev.ceramic.process.ProcMain;
import dev.ceramic.process.ProcOptions;
import dev.ceramic.test.ChanChildren;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Semantics of {@link Chan} between a parent and a real child JVM.
 */
@Timeout(60)
class ChanProcessTests {

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private Proc proc;

	@AfterEach
	void stop() {
		if (this.proc != null) {
			this.proc.close();
		}
		this.threads.shutdownNow();
	}

	private Chan start(Class<? extends ProcMain> entry) {
		Chan chan = Chan.open();
		this.proc = Proc.start(entry, chan, ProcOptions.builder().closeGrace(Duration.ofMillis(500)).build());
		return chan;
	}

	@Test
	void sendReturnsOnlyAfterTheChildsRecvStarted() {
		Chan chan = start(ChanChildren.SlowReceiver.class);
		chan.send("hello".getBytes(StandardCharsets.UTF_8));
		Instant sendReturned = Instant.now();
		Instant childRecvStarted = Instant.parse(new String(chan.recv(), StandardCharsets.UTF_8));
		assertThat(sendReturned).isAfterOrEqualTo(childRecvStarted);
	}

	@Test
	void parentCloseWakesAChildBlockedInRecv() throws Exception {
		Chan chan = start(ChanChildren.BlockedReceiver.class);
		Thread.sleep(100);
		chan.close();
		assertThat(this.proc.waitFor(Duration.ofSeconds(5))).hasValue(ChanChildren.SAW_PEER_CLOSE);
	}

	@Test
	void parentCloseWakesAChildBlockedInSend() throws Exception {
		Chan chan = start(ChanChildren.BlockedSender.class);
		Thread.sleep(100);
		chan.close();
		assertThat(this.proc.waitFor(Duration.ofSeconds(5))).hasValue(ChanChildren.SAW_PEER_CLOSE);
	}

	@Test
	void childCloseWakesAParentBlockedInRecv() {
		Chan chan = start(ChanChildren.Closer.class);
		assertThatExceptionOfType(ChannelClosedException.class).isThrownBy(chan::recv)
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ChannelClosedException.Reason.PEER_CLOSED));
	}

	@Test
	void childCloseWakesAParentBlockedInSend() {
		Chan chan = start(ChanChildren.Closer.class);
		assertThatExceptionOfType(ChannelClosedException.class).isThrownBy(() -> chan.send(new byte[] { 1 }))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ChannelClosedException.Reason.PEER_CLOSED));
	}

	@Test
	void childDeathFailsABlockedRecvWithinMilliseconds() throws Exception {
		Chan chan = start(ChanChildren.Sleeper.class);
		Future<Throwable> recv = this.threads.submit(() -> catchThrowable(chan::recv));
		Thread.sleep(100);
		long killed = System.nanoTime();
		this.proc.kill();
		Throwable failure = recv.get(5, TimeUnit.SECONDS);
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
		assertThat(failure)
			.isInstanceOfSatisfying(ChannelClosedException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(ChannelClosedException.Reason.PEER_GONE))
			.hasMessageContaining("peer is gone");
		assertThat(millis).as("milliseconds from SIGKILL to the failed recv").isLessThan(250);
	}

	@Test
	void childDeathFailsABlockedSendWithinMilliseconds() throws Exception {
		Chan chan = start(ChanChildren.Sleeper.class);
		Future<Throwable> send = this.threads.submit(() -> catchThrowable(() -> chan.send(new byte[] { 1 })));
		Thread.sleep(100);
		long killed = System.nanoTime();
		this.proc.kill();
		Throwable failure = send.get(5, TimeUnit.SECONDS);
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
		assertThat(failure).isInstanceOfSatisfying(ChannelClosedException.class,
				(ex) -> assertThat(ex.reason()).isEqualTo(ChannelClosedException.Reason.PEER_GONE));
		assertThat(millis).as("milliseconds from SIGKILL to the failed send").isLessThan(250);
	}

	@Test
	void theSeedsRaceBothSendingAtOnceIsADeadlockOnBothSides() {
		Chan chan = start(ChanChildren.RacingSender.class);
		assertThatExceptionOfType(DeadlockException.class)
			.isThrownBy(() -> chan.send("from parent".getBytes(StandardCharsets.UTF_8)))
			.withMessageContaining("Deadlock");
		assertThat(new String(chan.recv(Duration.ofSeconds(10)), StandardCharsets.UTF_8)).isEqualTo("deadlock");
	}

	@Test
	void aFrameAnnouncedOverTheLimitFailsWithoutAllocatingAndClosesTheChannel() {
		Chan chan = start(ChanChildren.HugeFrameAnnouncer.class);
		long start = System.nanoTime();
		assertThatExceptionOfType(FrameTooLargeException.class).isThrownBy(chan::recv)
			.withMessageContaining("2147483632 bytes")
			.withMessageContaining("maximum frame size of 67108864 bytes");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		assertThat(chan.isOpen()).isFalse();
		assertThatExceptionOfType(ChannelClosedException.class).isThrownBy(chan::recv)
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ChannelClosedException.Reason.BROKEN));
	}

	@Test
	void bytesThatAreNoFrameFailWithAClearErrorAndCloseTheChannel() {
		Chan chan = start(ChanChildren.GarbageWriter.class);
		assertThatExceptionOfType(MalformedFrameException.class).isThrownBy(chan::recv)
			.withMessageContaining("unknown type");
		assertThat(chan.isOpen()).isFalse();
	}

	@Test
	void closingTheParentsEndLetsAnEchoChildExitByItself() throws Exception {
		Chan chan = start(dev.ceramic.test.Echo.class);
		chan.send(new byte[] { 7 });
		assertThat(chan.recv()).containsExactly(7);
		chan.close();
		OptionalInt status = this.proc.waitFor(Duration.ofSeconds(5));
		assertThat(status).hasValue(0);
	}

}
