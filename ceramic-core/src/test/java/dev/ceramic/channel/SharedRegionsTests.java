package dev.ceramic.channel;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.ceramic.channel.JsonCodec.MessageType;
import dev.ceramic.test.SharedMemoryFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Each end of a channel keeps one region for the values it sends and one mapping of its
 * peer's, message after message: grown in place of the old one when a message needs more,
 * given up for a file of the message's own when it cannot serve, and sent to the peer
 * only as a read-only descriptor.
 */
class SharedRegionsTests {

	private static final int MIB = 1024 * 1024;

	private static final JsonCodec CODEC = JsonCodec.defaults();

	private static final MessageType BYTES = CODEC.messageType(byte[].class);

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final ExecutorService THREADS = Executors.newCachedThreadPool();

	@AfterAll
	static void stop() {
		THREADS.shutdownNow();
	}

	@Test
	void messagesReuseOneRegionAndOneMappingUntilALargerValueReplacesThem() throws Exception {
		try (SharedRegions sender = SharedRegions.create(); SharedRegions receiver = SharedRegions.create()) {
			for (int i = 0; i < 5; i++) {
				assertThat(roundTrip(sender, receiver, bytes(2 * MIB, i))).isTrue();
			}
			// The sender's writable mapping and the receiver's read-only one, of one
			// file, and no other file mapped or held.
			Map<Long, Integer> first = SharedMemoryFiles.mapped("self");
			assertThat(first).hasSize(1).containsValue(2);
			assertThat(SharedMemoryFiles.openUnmapped("self")).isEmpty();
			assertThat(roundTrip(sender, receiver, bytes(6 * MIB, 9))).isTrue();
			assertThat(roundTrip(sender, receiver, bytes(MIB, 10))).isTrue();
			Map<Long, Integer> grown = SharedMemoryFiles.mapped("self");
			assertThat(grown).hasSize(1).containsValue(2);
			assertThat(grown.keySet()).doesNotContainAnyElementsOf(first.keySet());
		}
		assertThat(SharedMemoryFiles.all("self")).isEmpty();
	}

	@Test
	void theDescriptorSentCanNeitherWriteNorShrinkTheRegion() throws IOException {
		try (SharedRegions sender = SharedRegions.create();
				OutOfBand message = OutOfBand.sending(1024, MIB, "max-value-size")) {
			CODEC.encode(bytes(4096, 1), BYTES, message);
			FileDescriptor sent = message.descriptors(sender)[0];
			FileOutputStream writer = new FileOutputStream(sent);
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> writer.write(1));
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> writer.getChannel().truncate(0));
		}
	}

	@Test
	void closedRegionsLeaveTheValuesToAFileOfTheMessagesOwn() throws IOException {
		SharedRegions sender = SharedRegions.create();
		sender.close();
		byte[] value = bytes(MIB, 2);
		try (OutOfBand message = OutOfBand.sending(1024, 8 * MIB, "max-value-size")) {
			byte[] encoded = CODEC.encode(value, BYTES, message);
			FileDescriptor[] fds = message.descriptors(sender);
			assertThat(SharedMemoryFiles.mapped("self")).isEmpty();
			assertThat(SharedMemoryFiles.openUnmapped("self")).hasSize(1);
			try (SharedRegions receiver = SharedRegions.create();
					OutOfBand arrived = OutOfBand.receiving(fds, 8 * MIB, receiver)) {
				assertThat((byte[]) CODEC.decode(encoded, 0, encoded.length, BYTES, arrived)).isEqualTo(value);
				// A file of its own is read and let go, not kept as a region.
				assertThat(SharedMemoryFiles.mapped("self")).isEmpty();
			}
		}
	}

	@Test
	void aMessageOverTheRetainedLimitIsLeftToAFileOfItsOwn() {
		try (SharedRegions sender = SharedRegions.create()) {
			assertThat(
					sender.write(List.of(new byte[16]), List.of(OutOfBand.ALIGNMENT), SharedRegions.RETAINED_LIMIT + 1))
				.isNull();
			assertThat(sender.write(List.of(new byte[16]), List.of(OutOfBand.ALIGNMENT), OutOfBand.ALIGNMENT + 16))
				.isNotNull();
		}
	}

	/**
	 * Send a value through the sender's region over a real channel, so that the receiver
	 * gets descriptors of its own, and decode it at the receiver's end.
	 */
	private static boolean roundTrip(SharedRegions sender, SharedRegions receiver, byte[] value) throws Exception {
		try (Chan left = Chan.open();
				Chan right = left.peerEnd();
				OutOfBand message = OutOfBand.sending(1024, 64 * MIB, "max-value-size")) {
			byte[] encoded = CODEC.encode(value, BYTES, message);
			FileDescriptor[] sent = message.descriptors(sender);
			assertThat(sent).hasSize(1);
			Future<?> sending = THREADS.submit(() -> left.send(encoded, TIMEOUT, sent));
			Received received = right.recvWithFds(TIMEOUT);
			sending.get(20, TimeUnit.SECONDS);
			try (OutOfBand arrived = OutOfBand.receiving(received.fileDescriptors(), 64 * MIB, receiver)) {
				byte[] payload = received.payload();
				byte[] decoded = CODEC.decode(payload, 0, payload.length, BYTES, arrived);
				return Arrays.equals(decoded, value);
			}
		}
	}

	private static byte[] bytes(int size, int seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

}
