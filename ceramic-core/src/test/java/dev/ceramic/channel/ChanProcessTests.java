package dev.ceramic.channel;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.ceramic.process.Proc;
import dev.ceramic.process.ProcMain;
import dev.ceramic.process.ProcOptions;
import dev.ceramic.test.TestThreads;
import dev.ceramic.test.channel.Children;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.ceramic.test.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Semantics of {@link Chan} between a parent and a real child JVM.
 */
@Timeout(60)
class ChanProcessTests {

	private final TestThreads started = new TestThreads("chan-process-test");

	private final ExecutorService threads = this.started.newCachedThreadPool();

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

	private void awaitChildBlocked() {
		await("the child's call is blocked").until(this.proc::recentOutput,
				(lines) -> lines.contains(Children.BLOCKED));
	}

	@Test
	void sendReturnsOnlyAfterTheChildsRecvStarted() {
		Chan chan = start(Children.SlowReceiver.class);
		chan.send("hello".getBytes(StandardCharsets.UTF_8));
		Instant sendReturned = Instant.now();
		Instant childRecvStarted = Instant.parse(new String(chan.recv(), StandardCharsets.UTF_8));
		assertThat(sendReturned).isAfterOrEqualTo(childRecvStarted);
	}

	@Test
	void parentCloseWakesAChildBlockedInRecv() throws Exception {
		Chan chan = start(Children.BlockedReceiver.class);
		awaitChildBlocked();
		chan.close();
		assertThat(this.proc.waitFor(Duration.ofSeconds(5))).hasValue(Children.SAW_PEER_CLOSE);
	}

	@Test
	void parentCloseWakesAChildBlockedInSend() throws Exception {
		Chan chan = start(Children.BlockedSender.class);
		awaitChildBlocked();
		chan.close();
		assertThat(this.proc.waitFor(Duration.ofSeconds(5))).hasValue(Children.SAW_PEER_CLOSE);
	}

	@Test
	void childCloseWakesAParentBlockedInRecv() {
		Chan chan = start(Children.Closer.class);
		assertThatExceptionOfType(ChannelClosedException.class).isThrownBy(chan::recv)
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ChannelClosedException.Reason.PEER_CLOSED));
	}

	@Test
	void childCloseWakesAParentBlockedInSend() {
		Chan chan = start(Children.Closer.class);
		assertThatExceptionOfType(ChannelClosedException.class).isThrownBy(() -> chan.send(new byte[] { 1 }))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ChannelClosedException.Reason.PEER_CLOSED));
	}

	@Test
	void childDeathFailsABlockedRecvWithinMilliseconds() throws Exception {
		Chan chan = start(Children.Sleeper.class);
		Future<Throwable> recv = this.threads.submit(() -> catchThrowable(chan::recv));
		this.started.awaitBlocked();
		long killed = System.nanoTime();
		this.proc.kill();
		Throwable failure = recv.get(5, TimeUnit.SECONDS);
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
		assertThat(failure).isInstanceOf(PeerGoneException.class).hasMessageContaining("peer is gone");
		assertThat(millis).as("milliseconds from SIGKILL to the failed recv").isLessThan(250);
	}

	@Test
	void childDeathFailsABlockedSendWithinMilliseconds() throws Exception {
		Chan chan = start(Children.Sleeper.class);
		Future<Throwable> send = this.threads.submit(() -> catchThrowable(() -> chan.send(new byte[] { 1 })));
		this.started.awaitBlocked();
		long killed = System.nanoTime();
		this.proc.kill();
		Throwable failure = send.get(5, TimeUnit.SECONDS);
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
		assertThat(failure).isInstanceOf(PeerGoneException.class);
		assertThat(millis).as("milliseconds from SIGKILL to the failed send").isLessThan(250);
	}

	@Test
	void theSeedsRaceBothSendingAtOnceIsADeadlockOnBothSides() {
		Chan chan = start(Children.RacingSender.class);
		assertThatExceptionOfType(DeadlockException.class)
			.isThrownBy(() -> chan.send("from parent".getBytes(StandardCharsets.UTF_8)))
			.withMessageContaining("Deadlock");
		assertThat(new String(chan.recv(Duration.ofSeconds(10)), StandardCharsets.UTF_8)).isEqualTo("deadlock");
	}

	@Test
	void aFrameAnnouncedOverTheLimitFailsWithoutAllocatingAndClosesTheChannel() {
		Chan chan = start(Children.HugeFrameAnnouncer.class);
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
		Chan chan = start(Children.GarbageWriter.class);
		assertThatExceptionOfType(MalformedFrameException.class).isThrownBy(chan::recv)
			.withMessageContaining("unknown type");
		assertThat(chan.isOpen()).isFalse();
	}

	@Test
	void closingTheParentsEndLetsAnEchoChildExitByItself() throws Exception {
		Chan chan = start(dev.ceramic.test.proc.Echo.class);
		chan.send(new byte[] { 7 });
		assertThat(chan.recv()).containsExactly(7);
		chan.close();
		OptionalInt status = this.proc.waitFor(Duration.ofSeconds(5));
		assertThat(status).hasValue(0);
	}

}
