package dev.ceramic.pool;

import dev.ceramic.channel.ValueTooLargeException;
import dev.ceramic.test.pool.PayloadService;
import dev.ceramic.test.pool.PayloadServiceImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.ceramic.test.pool.TestPools.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code max-frame-size} limits the values a call carries, not the protocol's headers,
 * and a value over it fails only its own call, with an argument error that names the
 * setting: the worker is not harmed, and nothing counts as a crash.
 */
@Timeout(120)
class PoolValueLimitsTests {

	private static final int LIMIT = 1024 * 1024;

	@Test
	void anArgumentOfExactlyMaxFrameSizeTravels() {
		try (WorkerPool pool = pool("limits-exact")) {
			PayloadService service = pool.proxy(PayloadService.class);
			byte[] bytes = PayloadService.pattern(LIMIT, 3);
			assertThat(service.checksum(bytes)).isEqualTo(PayloadService.checksumOf(bytes));
			assertThat(service.make(LIMIT, 5)).isEqualTo(PayloadService.pattern(LIMIT, 5));
		}
	}

	@Test
	void anArgumentOverMaxFrameSizeFailsItsCallNamingTheSettingAndTheWorkerServesOn() {
		try (WorkerPool pool = pool("limits-over")) {
			PayloadService service = pool.proxy(PayloadService.class);
			long pid = service.pid();
			assertThatExceptionOfType(ValueTooLargeException.class)
				.isThrownBy(() -> service.length(new byte[LIMIT + 4096]))
				.isInstanceOf(IllegalArgumentException.class)
				.withMessageContaining("ceramic.pools.limits-over.max-frame-size")
				.withMessageContaining("'bytes'")
				.withMessageNotContaining("ChanOptions");
			assertThat(service.length(new byte[16])).isEqualTo(16);
			assertThat(service.pid()).isEqualTo(pid);
			PoolSnapshot snapshot = pool.snapshot(false);
			assertThat(snapshot.crashes()).isZero();
			assertThat(snapshot.workers()).hasSize(1);
		}
	}

	@Test
	void aResultOverMaxFrameSizeFailsItsCallNamingTheSettingAndTheWorkerServesOn() {
		try (WorkerPool pool = pool("limits-result")) {
			PayloadService service = pool.proxy(PayloadService.class);
			long pid = service.pid();
			assertThatExceptionOfType(ValueTooLargeException.class).isThrownBy(() -> service.make(LIMIT + 4096, 1))
				.withMessageContaining("ceramic.pools.limits-result.max-frame-size")
				.withMessageContaining("PayloadService.make")
				.withMessageNotContaining("ChanOptions");
			assertThat(service.make(16, 1)).hasSize(16);
			assertThat(service.pid()).isEqualTo(pid);
			assertThat(pool.snapshot(false).crashes()).isZero();
		}
	}

	private static WorkerPool pool(String name) {
		// Every value in the frames, so that max-frame-size is what limits them.
		WorkerPoolSettings settings = settings(name).maxWorkers(1)
			.maxFrameSize(LIMIT)
			.largeValueThreshold(Integer.MAX_VALUE)
			.build();
		return WorkerPool.builder(settings).service(PayloadService.class, PayloadServiceImpl.class).build();
	}

}
