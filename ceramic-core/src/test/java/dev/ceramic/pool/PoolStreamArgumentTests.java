package dev.ceramic.pool;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;

import dev.ceramic.test.pool.PatternStream;
import dev.ceramic.test.pool.PayloadService;
import dev.ceramic.test.pool.StreamService;
import dev.ceramic.test.pool.StreamService.Digest;
import dev.ceramic.test.pool.StreamServiceImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An {@code InputStream} argument reaches the worker as a descriptor: a pipe the
 * application pumps the stream into, or the open file itself. The worker holds a buffer's
 * worth at a time, a failure is blamed where it happened, and no pump or descriptor
 * outlives its call.
 */
@Timeout(120)
class PoolStreamArgumentTests {

	private static final int MIB = 1024 * 1024;

	@Test
	void aStreamFarLargerThanTheWorkersHeapAndItsFramesArrivesIntact() {
		try (WorkerPool pool = pool("stream-large")) {
			StreamService service = pool.proxy(StreamService.class);
			long length = 256L * MIB;
			// The worker runs at -Xmx64m, with frames of 1 MiB.
			assertThat(service.digest(PatternStream.of(length)))
				.isEqualTo(new Digest(length, PatternStream.crcOf(length)));
			assertThat(service.digest(PatternStream.of(0))).isEqualTo(new Digest(0, PatternStream.crcOf(0)));
		}
	}

	@Test
	void anOpenFileTravelsAsItsDescriptorAndIsReadFromWhereItStands(@TempDir Path directory) throws IOException {
		Path file = directory.resolve("input.bin");
		byte[] bytes = PayloadService.pattern(3 * MIB, 0);
		Files.write(file, bytes);
		try (WorkerPool pool = pool("stream-file"); FileInputStream in = new FileInputStream(file.toFile())) {
			StreamService service = pool.proxy(StreamService.class);
			in.skipNBytes(1000);
			// Gone from the file system: only the descriptor can reach it.
			Files.delete(file);
			assertThat(service.openFiles(in)).anyMatch((target) -> target.endsWith("input.bin (deleted)"));
			long crc = PayloadService.checksumOf(Arrays.copyOfRange(bytes, 1000, bytes.length));
			assertThat(service.digest(in)).isEqualTo(new Digest(bytes.length - 1000, crc));
			// The worker read the same open file, so this stream stands at its end too.
			assertThat(in.read()).isEqualTo(-1);
		}
	}

	@Test
	void streamsKeepTheirPlacesBesideLargeValuesAndNulls() {
		try (WorkerPool pool = pool("stream-places")) {
			StreamService service = pool.proxy(StreamService.class);
			// A large value travels out of band, in the descriptor before the streams'.
			byte[] large = new byte[2 * MIB];
			assertThat(service.label(large, PatternStream.of(10), PatternStream.of(MIB)))
				.isEqualTo(2 * MIB + " " + digest(10) + " " + digest(MIB));
			assertThat(service.label(large, null, PatternStream.of(7))).isEqualTo(2 * MIB + " null " + digest(7));
			assertThat(service.label(new byte[3], PatternStream.of(5), null)).isEqualTo("3 " + digest(5) + " null");
			assertThat(service.label(new byte[0], null, null)).isEqualTo("0 null null");
		}
	}

	@Test
	void aStreamThatFailsInTheApplicationFailsItsCallAndTheWorkerServesOn() {
		try (WorkerPool pool = pool("stream-failing")) {
			StreamService service = pool.proxy(StreamService.class);
			long pid = service.pid();
			assertThatExceptionOfType(StreamArgumentException.class)
				.isThrownBy(() -> service.digest(PatternStream.failingAt(MIB)))
				.withMessageContaining("parameter 0 ('in') of StreamService.digest(InputStream)")
				.withMessageContaining("failed in the application")
				.withMessageContaining("the pattern stream failed at byte " + MIB)
				.withMessageContaining("The worker is unharmed")
				.withCauseInstanceOf(IOException.class);
			assertThat(service.pid()).isEqualTo(pid);
			assertThat(service.digest(PatternStream.of(MIB))).isEqualTo(new Digest(MIB, PatternStream.crcOf(MIB)));
			assertThat(pool.snapshot(false).crashes()).isZero();
		}
	}

	@Test
	void aWorkerThatStopsReadingEarlyStopsThePumpAndTheStreamIsLeftOpen() throws IOException {
		long descriptors = descriptorCount();
		try (WorkerPool pool = pool("stream-early")) {
			StreamService service = pool.proxy(StreamService.class);
			PatternStream endless = PatternStream.endless();
			assertThat(service.readAndClose(endless, MIB)).isEqualTo(MIB);
			PatternStream untouched = PatternStream.endless();
			long pid = service.ignore(untouched);
			await("no pump is left").until(() -> pumps().count() == 0);
			// Read no further than what the socket buffers held when the worker let go,
			// and not closed: the stream is the application's.
			assertThat(endless.position()).isLessThan(16L * MIB);
			assertThat(untouched.position()).isLessThan(16L * MIB);
			assertThat(endless.closed()).isFalse();
			// Nor does a stream the service never closed stay open in the worker.
			long workerDescriptors = descriptorCount(Long.toString(pid));
			for (int i = 0; i < 10; i++) {
				assertThat(service.ignore(PatternStream.endless())).isEqualTo(pid);
			}
			assertThat(descriptorCount(Long.toString(pid))).isLessThanOrEqualTo(workerDescriptors);
			assertThat(pool.snapshot(false).crashes()).isZero();
		}
		// Not more than before: other tests' pools may still be closing theirs.
		await("the pool's descriptors are released").until(() -> descriptorCount() <= descriptors);
	}

	@Test
	void aWorkerThatDiesMidStreamFailsOnlyThatCall() {
		try (WorkerPool pool = pool("stream-death")) {
			StreamService service = pool.proxy(StreamService.class);
			long first = service.pid();
			assertThatExceptionOfType(WorkerCrashedException.class)
				.isThrownBy(() -> service.readThenHalt(PatternStream.endless(), MIB));
			assertThat(service.pid()).isNotEqualTo(first);
			assertThat(service.digest(PatternStream.of(MIB))).isEqualTo(new Digest(MIB, PatternStream.crcOf(MIB)));
			await("no pump is left").until(() -> pumps().count() == 0);
		}
	}

	@Test
	void theCallTimeoutCoversReadingTheStream() {
		WorkerPoolSettings settings = settings("stream-timeout").maxWorkers(1)
			.callTimeout(Duration.ofSeconds(2))
			.build();
		try (WorkerPool pool = WorkerPool.builder(settings)
			.service(StreamService.class, StreamServiceImpl.class)
			.build()) {
			StreamService service = pool.proxy(StreamService.class);
			long first = service.pid();
			assertThatExceptionOfType(CallTimeoutException.class).isThrownBy(() -> service.digest(new Trickle()))
				.withMessageContaining("did not complete within its timeout of 2s");
			assertThat(service.pid()).isNotEqualTo(first);
			await("no pump is left").until(() -> pumps().count() == 0);
		}
	}

	private static WorkerPool pool(String name) {
		// Frames far smaller than the streams, so that only the pipes can carry them.
		WorkerPoolSettings settings = settings(name).maxWorkers(1).maxFrameSize(MIB).build();
		return WorkerPool.builder(settings).service(StreamService.class, StreamServiceImpl.class).build();
	}

	private static String digest(long length) {
		return new Digest(length, PatternStream.crcOf(length)).toString();
	}

	private static Stream<Thread> pumps() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((t) -> t.getName().startsWith("ceramic-stream-pump"));
	}

	private static long descriptorCount() throws IOException {
		return descriptorCount("self");
	}

	private static long descriptorCount(String process) throws IOException {
		try (Stream<Path> fds = Files.list(Path.of("/proc", process, "fd"))) {
			return fds.count();
		}
	}

	/** A stream that never ends, and gives a byte every 20 ms. */
	private static final class Trickle extends InputStream {

		@Override
		public int read() throws IOException {
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException("interrupted", ex);
			}
			return 'x';
		}

		@Override
		public int read(byte[] buffer, int offset, int count) throws IOException {
			if (count == 0) {
				return 0;
			}
			buffer[offset] = (byte) read();
			return 1;
		}

	}

}
