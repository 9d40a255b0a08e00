package dev.ceramic.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.ceramic.process.Proc;
import dev.ceramic.test.SharedMemoryFiles;
import dev.ceramic.test.channel.TypedBlob;
import dev.ceramic.test.channel.TypedPeer;
import dev.ceramic.test.proc.ChildJvms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Typed channels send large binary values out of band, in shared memory: past a frame
 * size the channel could not carry, to another thread and to a child JVM, with nothing
 * left mapped or open afterwards.
 */
@Timeout(60)
class TypedLargeValueTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final int SMALL_FRAMES = 64 * 1024;

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@AfterEach
	void stop() {
		this.threads.shutdownNow();
	}

	@Test
	void aValueFarOverTheFrameSizeTravelsOutOfBandBetweenThreads() throws Exception {
		Chan left = Chan.open(ChanOptions.defaults().withMaxFrameSize(SMALL_FRAMES));
		try (left; Chan right = left.peerEnd()) {
			TypedBlob blob = new TypedBlob("big", randomBytes(4 * 1024 * 1024), randomBytes(300 * 1024));
			Future<TypedBlob> received = this.threads
				.submit(() -> TypedReceiver.over(right, TypedBlob.class).recv(TIMEOUT));
			TypedSender.over(left, TypedBlob.class).send(blob, TIMEOUT);
			assertThat(received.get(20, TimeUnit.SECONDS)).isEqualTo(blob);
			assertThat(SharedMemoryFiles.all("self")).isEmpty();
		}
	}

	@Test
	void withoutDescriptorsTheChannelCarriesValuesInItsFrames() {
		Chan left = Chan.open(new ChanOptions(SMALL_FRAMES, 0));
		try (left; Chan right = left.peerEnd()) {
			assertThatExceptionOfType(FrameTooLargeException.class)
				.isThrownBy(() -> TypedSender.over(left, byte[].class).send(new byte[SMALL_FRAMES + 1]));
		}
	}

	@Test
	void aValueOverTheLargestOutOfBandSizeIsRefusedBeforeAnythingIsSent() {
		Chan left = Chan.open();
		try (left; Chan right = left.peerEnd()) {
			assertThatExceptionOfType(ValueTooLargeException.class)
				.isThrownBy(() -> TypedSender.over(left, byte[].class)
					.withLargeValues(1024, 1024 * 1024)
					.send(new byte[1024 * 1024 + 1], TIMEOUT))
				.withMessageContaining("1048577");
			assertThat(left.isOpen()).isTrue();
		}
	}

	@Test
	void aChildJvmGetsAndSendsBackLargeValuesOutOfBand() throws IOException {
		Chan chan = Chan.open();
		try (Proc peer = Proc.start(TypedPeer.class, chan, ChildJvms.options("typed-large-peer").build())) {
			chan.send("blob".getBytes(StandardCharsets.UTF_8), TIMEOUT);
			TypedBlob blob = new TypedBlob("blob", randomBytes(8 * 1024 * 1024), new byte[] { 1, 2 });
			TypedSender.over(chan, TypedBlob.class).send(blob);
			assertThat(TypedReceiver.over(chan, TypedBlob.class).recv(TIMEOUT))
				.isEqualTo(new TypedBlob("BLOB", TypedPeer.reversed(blob.data()), blob.extra()));
			assertThat(SharedMemoryFiles.all("self")).isEmpty();
		}
	}

	private static byte[] randomBytes(int size) {
		byte[] bytes = new byte[size];
		new Random(size).nextBytes(bytes);
		return bytes;
	}

}
