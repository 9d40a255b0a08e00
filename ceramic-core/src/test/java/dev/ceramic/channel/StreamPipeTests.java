package dev.ceramic.channel;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.zip.CRC32;

import dev.ceramic.platform.Platform;
import dev.ceramic.test.ProcessResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A stream pumped through a real socketpair, read through the handed-over descriptor as a
 * receiving worker reads it.
 */
@Timeout(120)
class StreamPipeTests {

	private static final Duration PUMP_END = Duration.ofSeconds(30);

	@Test
	void aStreamLargerThanAnyBufferArrivesWhole() throws Exception {
		long size = 128L * 1024 * 1024 + 17;
		try (StreamPipe pipe = StreamPipe.pumping(new CountingBytes(size, -1), "large")) {
			Digest read = Digest.of(StreamPipe.reading(pipe.readEnd()));
			assertThat(read.count).isEqualTo(size);
			assertThat(read.crc).isEqualTo(Digest.of(new CountingBytes(size, -1)).crc);
			assertThat(pipe.awaitPumped(PUMP_END)).isTrue();
			assertThat(pipe.sourceFailure()).isEmpty();
			assertThat(pipe.readerClosedEarly()).isFalse();
			assertThat(pipe.pumped()).isEqualTo(size);
		}
	}

	@Test
	void aFailingSourceIsNotedAsTheCallersFaultAndEndsTheStream() throws Exception {
		try (StreamPipe pipe = StreamPipe.pumping(new CountingBytes(10_000_000, 3_000_000), "failing")) {
			Digest read = Digest.of(StreamPipe.reading(pipe.readEnd()));
			assertThat(read.count).isLessThan(10_000_000);
			assertThat(pipe.awaitPumped(PUMP_END)).isTrue();
			assertThat(pipe.sourceFailure()).get()
				.extracting(Throwable::getMessage)
				.isEqualTo("the caller's stream broke");
		}
	}

	@Test
	void aReaderThatClosesEarlyStopsThePump() throws Exception {
		try (StreamPipe pipe = StreamPipe.pumping(new CountingBytes(Long.MAX_VALUE, -1), "endless")) {
			try (InputStream in = StreamPipe.reading(pipe.readEnd())) {
				assertThat(in.readNBytes(1_000_000)).hasSize(1_000_000);
			}
			assertThat(pipe.awaitPumped(PUMP_END)).as("the pump ended once its reader was gone").isTrue();
			assertThat(pipe.readerClosedEarly()).isTrue();
			assertThat(pipe.sourceFailure()).isEmpty();
		}
	}

	@Test
	void pipesLeaveNoDescriptorsOrThreads() throws Exception {
		assumeTrue(Platform.supports(Platform.Capability.DESCRIPTOR_INSPECTION), "no /proc/self/fd to count in");
		pipes(5);
		ProcessResources before = ProcessResources.now();
		int threadsBefore = Thread.activeCount();
		pipes(40);
		ProcessResources after = ProcessResources.now();
		assertThat(after.openFileDescriptors() - before.openFileDescriptors()).as("descriptors left by 40 pipes")
			.isZero();
		assertThat(Thread.activeCount()).as("threads left by 40 pipes").isLessThanOrEqualTo(threadsBefore);
	}

	private static void pipes(int count) throws Exception {
		for (int i = 0; i < count; i++) {
			try (StreamPipe pipe = StreamPipe.pumping(new CountingBytes(1_000_000, -1), "counted")) {
				if (i % 2 == 0) {
					Digest.of(StreamPipe.reading(pipe.readEnd()));
				}
				// Odd pipes are closed with their read end never read.
			}
		}
		// Each pump ends once its reader is gone; wait for the stragglers.
		for (int attempt = 0; attempt < 100 && Thread.getAllStackTraces()
			.keySet()
			.stream()
			.anyMatch((thread) -> thread.getName().startsWith("ceramic-stream-pump")); attempt++) {
			Thread.sleep(50);
		}
	}

	/** Bytes of a known pattern, optionally failing once so many were read. */
	private static final class CountingBytes extends InputStream {

		private final long size;

		private final long failAt;

		private long position;

		CountingBytes(long size, long failAt) {
			this.size = size;
			this.failAt = failAt;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) < 0) ? -1 : one[0] & 0xff;
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			if (this.failAt >= 0 && this.position >= this.failAt) {
				throw new IOException("the caller's stream broke");
			}
			if (this.position >= this.size) {
				return -1;
			}
			int n = (int) Math.min(len, this.size - this.position);
			for (int i = 0; i < n; i++) {
				b[off + i] = (byte) ((this.position + i) * 31);
			}
			this.position += n;
			return n;
		}

	}

	private record Digest(long count, long crc) {

		static Digest of(InputStream in) throws IOException {
			try (in) {
				CRC32 crc = new CRC32();
				byte[] buffer = new byte[64 * 1024];
				long count = 0;
				for (int n; (n = in.read(buffer)) >= 0;) {
					crc.update(buffer, 0, n);
					count += n;
				}
				return new Digest(count, crc.getValue());
			}
		}

	}

}
