package dev.ceramic.channel;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.ceramic.test.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Large frames travel at the socket's speed: the time of a frame grows with its size, not
 * with its square. junixsocket's stream read costs in proportion to the length asked for,
 * not to what arrives, so a reader that asks for the whole rest of a large frame on every
 * read slows down with the frame's size. The test compares two sizes within one run, so
 * that a loaded machine slows both alike.
 */
@Timeout(120)
class LargeFrameTests {

	private static final int MIB = 1024 * 1024;

	private final TestThreads started = new TestThreads("large-frame-test");

	private final ExecutorService threads = this.started.newCachedThreadPool();

	@AfterEach
	void stop() {
		this.threads.shutdownNow();
	}

	@Test
	void aFrameFourTimesAsLargeTakesAboutFourTimesAsLong() throws Exception {
		Chan left = Chan.open();
		try (left; Chan right = left.peerEnd()) {
			byte[] small = filled(16 * MIB);
			byte[] large = filled(64 * MIB);
			// Warm up both paths, then take the best of interleaved runs: the least
			// disturbed by whatever else the machine does. Each starts on a collected
			// heap, so that the receiver's new array of 64 MiB measures the channel, not
			// a collection of the other tests' garbage.
			transfer(left, right, small);
			transfer(left, right, large);
			long bestSmall = Long.MAX_VALUE;
			long bestLarge = Long.MAX_VALUE;
			for (int i = 0; i < 5; i++) {
				System.gc();
				bestSmall = Math.min(bestSmall, transfer(left, right, small));
				System.gc();
				bestLarge = Math.min(bestLarge, transfer(left, right, large));
			}
			double ratio = (double) bestLarge / bestSmall;
			assertThat(ratio).as("64 MiB took %d ms, 16 MiB %d ms", bestLarge / 1_000_000, bestSmall / 1_000_000)
				.isLessThan(6.0);
		}
	}

	@Test
	void aFrameOfTheMaximumSizeArrivesWhole() throws Exception {
		Chan left = Chan.open();
		try (left; Chan right = left.peerEnd()) {
			byte[] message = filled(ChanOptions.DEFAULT_MAX_FRAME_SIZE);
			Future<byte[]> received = this.threads.submit(() -> right.recv());
			left.send(message);
			assertThat(Arrays.equals(received.get(60, TimeUnit.SECONDS), message)).isTrue();
		}
	}

	/** Send one message and wait until it has arrived; return the nanoseconds taken. */
	private long transfer(Chan sender, Chan receiver, byte[] message) throws Exception {
		long start = System.nanoTime();
		Future<byte[]> received = this.threads.submit(() -> receiver.recv());
		sender.send(message);
		assertThat(received.get(60, TimeUnit.SECONDS)).hasSize(message.length);
		return System.nanoTime() - start;
	}

	private static byte[] filled(int size) {
		byte[] bytes = new byte[size];
		for (int i = 0; i < size; i += 4096) {
			bytes[i] = (byte) (i >>> 12);
		}
		bytes[size - 1] = 42;
		return bytes;
	}

}
