package dev.ceramic.pool;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.ceramic.test.pool.PatternStream;
import dev.ceramic.test.pool.StreamService;
import dev.ceramic.test.pool.StreamService.Digest;
import dev.ceramic.test.pool.StreamServiceImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.ceramic.test.pool.TestPools.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An {@code InputStream} a service returns reaches its caller as the read end of a pipe
 * the worker pumps it into. The call holds its worker until the stream ends or is closed;
 * a worker's death or the call's timeout fails the read rather than look like the
 * stream's end, and a caller that closes early costs no worker.
 */
@Timeout(120)
class PoolStreamResultTests {

	private static final int MIB = 1024 * 1024;

	@Test
	void aReturnedStreamFarLargerThanTheWorkersHeapAndItsFramesArrivesIntact() throws IOException {
		try (WorkerPool pool = pool("result-large")) {
			StreamService service = pool.proxy(StreamService.class);
			long pid = service.pid();
			long length = 256L * MIB;
			// The worker runs at -Xmx64m, with frames of 1 MiB.
			try (InputStream in = service.produce(length)) {
				assertThat(Digest.of(in)).isEqualTo(new Digest(length, PatternStream.crcOf(length)));
				assertThat(in.read()).isEqualTo(-1);
			}
			try (InputStream in = service.produce(0)) {
				assertThat(in.read()).isEqualTo(-1);
			}
			assertThat(service.nothing()).isNull();
			assertThat(service.pid()).isEqualTo(pid);
			assertThat(pool.snapshot(false).crashes()).isZero();
		}
	}

	@Test
	void aWorkerThatDiesMidStreamFailsTheReadNotEndsIt() throws IOException {
		try (WorkerPool pool = pool("result-death")) {
			StreamService service = pool.proxy(StreamService.class);
			long first = service.pid();
			try (InputStream in = service.produceThenHalt(MIB)) {
				assertThatExceptionOfType(WorkerCrashedException.class).isThrownBy(() -> Digest.of(in))
					.withMessageContaining("died while the stream returned by StreamService.produceThenHalt(long)");
			}
			assertThat(service.pid()).isNotEqualTo(first);
			assertThat(pool.snapshot(false).crashes()).isEqualTo(1);
		}
	}

	@Test
	void aCallerThatClosesEarlyStopsTheWorkersWritesAndKeepsTheWorker() throws IOException {
		try (WorkerPool pool = pool("result-early")) {
			StreamService service = pool.proxy(StreamService.class);
			long pid = service.pid();
			try (InputStream in = service.endless()) {
				assertThat(in.readNBytes(MIB)).hasSize(MIB);
			}
			assertThat(service.lastEndless()).startsWith("closed=true pumps=0 ");
			service.endless().close();
			assertThat(service.lastEndless()).startsWith("closed=true pumps=0 ");
			assertThat(service.pid()).isEqualTo(pid);
			assertThat(pool.snapshot(false).crashes()).isZero();
		}
	}

	@Test
	void aStreamThatFailsInTheWorkerFailsTheReadAndCostsNoWorker() throws IOException {
		try (WorkerPool pool = pool("result-failing")) {
			StreamService service = pool.proxy(StreamService.class);
			long pid = service.pid();
			try (InputStream in = service.failing(MIB)) {
				assertThatExceptionOfType(IOException.class).isThrownBy(() -> Digest.of(in))
					.withMessageContaining(
							"The stream returned by StreamService.failing(long) failed in worker pid " + pid)
					.withMessageContaining("the pattern stream failed at byte " + MIB);
			}
			assertThat(service.pid()).isEqualTo(pid);
			assertThat(pool.snapshot(false).crashes()).isZero();
		}
	}

	@Test
	void aHeldStreamHoldsItsWorkerUntilItIsClosed() throws Exception {
		try (WorkerPool pool = pool("result-held")) {
			StreamService service = pool.proxy(StreamService.class);
			long pid = service.pid();
			InputStream in = service.endless();
			CompletableFuture<Long> next = CompletableFuture.supplyAsync(service::pid);
			// The pool's only worker is busy with the stream.
			Thread.sleep(500);
			assertThat(next).isNotDone();
			in.close();
			assertThat(next.get(30, TimeUnit.SECONDS)).isEqualTo(pid);
		}
	}

	@Test
	void theCallTimeoutCoversReadingTheStream() throws IOException {
		try (WorkerPool pool = pool("result-timeout", Duration.ofSeconds(2))) {
			StreamService service = pool.proxy(StreamService.class);
			long first = service.pid();
			// Read on and on: the timeout ends it.
			try (InputStream in = service.endless()) {
				assertThatExceptionOfType(CallTimeoutException.class).isThrownBy(() -> Digest.of(in))
					.withMessageContaining("did not finish its stream within its timeout of 2s");
			}
			long second = service.pid();
			assertThat(second).isNotEqualTo(first);
			// Or not read at all: the worker is ended all the same.
			InputStream held = service.endless();
			// The pool's only worker is held until the timeout kills it.
			assertThat(service.pid()).isNotEqualTo(second);
			assertThatExceptionOfType(CallTimeoutException.class).isThrownBy(() -> Digest.of(held));
			held.close();
		}
	}

	@Test
	void closingThePoolEndsAHeldStreamOnceItsGraceRanOut() throws IOException {
		WorkerPoolSettings settings = settings("result-closing").maxWorkers(1)
			.shutdownGrace(Duration.ofSeconds(1))
			.build();
		WorkerPool pool = WorkerPool.builder(settings).service(StreamService.class, StreamServiceImpl.class).build();
		StreamService service = pool.proxy(StreamService.class);
		try (InputStream in = service.endless()) {
			in.readNBytes(MIB);
			pool.close();
			assertThatExceptionOfType(CallTimeoutException.class).isThrownBy(() -> Digest.of(in))
				.withMessageContaining("was still running when the pool's shutdown-grace of 1s ran out");
		}
	}

	private static WorkerPool pool(String name) {
		return pool(name, Duration.ofSeconds(60));
	}

	private static WorkerPool pool(String name, Duration callTimeout) {
		// Frames far smaller than the streams, so that only the pipes can carry them.
		WorkerPoolSettings settings = settings(name).maxWorkers(1).maxFrameSize(MIB).callTimeout(callTimeout).build();
		return WorkerPool.builder(settings).service(StreamService.class, StreamServiceImpl.class).build();
	}

}
