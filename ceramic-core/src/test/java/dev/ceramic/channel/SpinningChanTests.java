package dev.ceramic.channel;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.ceramic.process.Proc;
import dev.ceramic.process.ProcMain;
import dev.ceramic.process.ProcOptions;
import dev.ceramic.test.TestThreads;
import dev.ceramic.test.proc.Echo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A channel whose waiting threads spin before they block keeps every semantic of one that
 * blocks at once.
 */
@Timeout(60)
class SpinningChanTests {

	private static final ChanOptions SPINNING = ChanOptions.defaults().withSpinBeforeBlocking(Duration.ofMillis(1));

	private final TestThreads started = new TestThreads("spinning-chan-test");

	private final ExecutorService threads = this.started.newCachedThreadPool();

	@AfterEach
	void stop() {
		this.threads.shutdownNow();
	}

	@Test
	void spinIsBounded() {
		assertThat(ChanOptions.defaults().spinBeforeBlocking()).isZero();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChanOptions.defaults().withSpinBeforeBlocking(Duration.ofMillis(2)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChanOptions.defaults().withSpinBeforeBlocking(Duration.ofNanos(-1)));
		assertThat(SPINNING.withMaxFrameSize(10).spinBeforeBlocking()).isEqualTo(Duration.ofMillis(1));
	}

	@Test
	void rendezvousTimeoutsCloseAndDeadlockBehaveAsWithoutSpinning() throws Exception {
		try (Chan left = Chan.open(SPINNING); Chan right = left.peerEnd()) {
			// Rendezvous: a send waits (longer than the spin) for the receiver.
			Future<?> send = this.threads.submit(() -> left.send(bytes("hello")));
			this.started.awaitBlocked();
			assertThat(send.isDone()).isFalse();
			assertThat(right.recv()).isEqualTo(bytes("hello"));
			send.get(5, TimeUnit.SECONDS);
			// A timed-out recv consumes nothing and leaves the channel open.
			assertThatExceptionOfType(ChannelTimeoutException.class)
				.isThrownBy(() -> right.recv(Duration.ofMillis(50)));
			// Both ends sending with nobody receiving is a deadlock on both ends.
			Future<Throwable> leftSend = this.threads.submit(() -> failure(() -> left.send(bytes("a"))));
			Future<Throwable> rightSend = this.threads.submit(() -> failure(() -> right.send(bytes("b"))));
			assertThat(leftSend.get(5, TimeUnit.SECONDS)).isInstanceOf(DeadlockException.class);
			assertThat(rightSend.get(5, TimeUnit.SECONDS)).isInstanceOf(DeadlockException.class);
			// Close wakes a receiver blocked on the peer.
			Future<Throwable> recv = this.threads.submit(() -> failure(right::recv));
			this.started.awaitBlocked();
			left.close();
			assertThat(recv.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(ChannelClosedException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo(ChannelClosedException.Reason.PEER_CLOSED));
		}
	}

	@Test
	void aChildGetsTheSpinSettingAndEchoes() {
		Chan chan = Chan.open(SPINNING);
		try (Proc proc = Proc.start(SpinReporter.class, chan, ProcOptions.defaults())) {
			assertThat(new String(chan.recv(), StandardCharsets.UTF_8)).isEqualTo("PT0.001S");
		}
		Chan echo = Chan.open(SPINNING);
		try (Proc proc = Proc.start(Echo.class, echo, ProcOptions.defaults())) {
			for (int i = 0; i < 100; i++) {
				echo.send(bytes("ping " + i));
				assertThat(echo.recv()).isEqualTo(bytes("ping " + i));
			}
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static Throwable failure(Runnable action) {
		try {
			action.run();
			return null;
		}
		catch (Throwable ex) {
			return ex;
		}
	}

	/** Sends back its channel's spin setting. */
	public static class SpinReporter implements ProcMain {

		@Override
		public void run(Chan chan) {
			chan.send(chan.options().spinBeforeBlocking().toString().getBytes(StandardCharsets.UTF_8));
		}

	}

}
