package dev.ceramic.pool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import dev.ceramic.channel.ValueTooLargeException;
import dev.ceramic.test.SharedMemoryFiles;
import dev.ceramic.test.pool.PayloadService;
import dev.ceramic.test.pool.PayloadService.Blob;
import dev.ceramic.test.pool.PayloadServiceImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.ceramic.test.Waiting.await;
import static dev.ceramic.test.pool.TestPools.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Binary values from {@code large-value-threshold} up travel in shared memory: limited by
 * {@code max-value-size}, not by {@code max-frame-size}, and without a descriptor or a
 * mapping left behind on either side, whatever happens to the call.
 */
@Timeout(120)
class PoolLargeValueTests {

	private static final int MIB = 1024 * 1024;

	@Test
	void binaryValuesFarOverMaxFrameSizeTravelBothWaysIntact() {
		try (WorkerPool pool = pool("large-both-ways")) {
			PayloadService service = pool.proxy(PayloadService.class);
			byte[] bytes = PayloadService.pattern(16 * MIB, 7);
			assertThat(service.checksum(bytes)).isEqualTo(PayloadService.checksumOf(bytes));
			assertThat(service.make(16 * MIB, 9)).isEqualTo(PayloadService.pattern(16 * MIB, 9));
			assertThat(service.echo(bytes)).isEqualTo(bytes);
			// Just below and at the threshold, and an empty array.
			for (int size : new int[] { 256 * 1024 - 1, 256 * 1024, 0 }) {
				byte[] value = PayloadService.pattern(size, size);
				assertThat(service.echo(value)).isEqualTo(value);
			}
		}
	}

	@Test
	void buffersAndArraysInsideRecordsTravelOutOfBandToo() {
		try (WorkerPool pool = pool("large-buffers")) {
			PayloadService service = pool.proxy(PayloadService.class);
			byte[] bytes = PayloadService.pattern(3 * MIB, 1);
			ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length + 10);
			direct.position(10);
			direct.put(bytes);
			direct.position(10);
			assertThat(service.echoBuffer(direct)).isEqualTo(ByteBuffer.wrap(bytes));
			assertThat(service.echoBuffer(ByteBuffer.wrap(bytes, 5, 2 * MIB)))
				.isEqualTo(ByteBuffer.wrap(bytes, 5, 2 * MIB));
			Blob blob = service.echoBlob(new Blob("two", bytes, new byte[] { 1, 2, 3 }));
			assertThat(blob.name()).isEqualTo("two");
			assertThat(blob.first()).isEqualTo(bytes);
			assertThat(blob.second()).containsExactly(1, 2, 3);
		}
	}

	@Test
	void aValueOverMaxValueSizeFailsItsCallNamingTheSettingAndTheWorkerServesOn() {
		WorkerPoolSettings settings = settings("large-limit").maxWorkers(1)
			.maxFrameSize(MIB)
			.maxValueSize(2 * MIB)
			.build();
		try (WorkerPool pool = WorkerPool.builder(settings)
			.service(PayloadService.class, PayloadServiceImpl.class)
			.build()) {
			PayloadService service = pool.proxy(PayloadService.class);
			long pid = service.pid();
			assertThat(service.length(new byte[2 * MIB])).isEqualTo(2 * MIB);
			assertThatExceptionOfType(ValueTooLargeException.class)
				.isThrownBy(() -> service.length(new byte[2 * MIB + 1]))
				.withMessageContaining("ceramic.pools.large-limit.max-value-size")
				.withMessageContaining("'bytes'");
			assertThatExceptionOfType(ValueTooLargeException.class).isThrownBy(() -> service.make(2 * MIB + 1, 0))
				.withMessageContaining("ceramic.pools.large-limit.max-value-size");
			assertThat(service.make(2 * MIB, 0)).hasSize(2 * MIB);
			assertThat(service.pid()).isEqualTo(pid);
			assertThat(pool.snapshot(false).crashes()).isZero();
		}
	}

	@Test
	void eachSideKeepsOneRegionAndNoOtherDescriptorOrMappingOutlivesACall() throws IOException {
		long descriptors = descriptorCount("self");
		long pid;
		try (WorkerPool pool = pool("large-no-leak")) {
			PayloadService service = pool.proxy(PayloadService.class);
			byte[] bytes = PayloadService.pattern(4 * MIB, 3);
			pid = service.pid();
			service.echo(bytes);
			String worker = Long.toString(pid);
			Map<Long, Integer> regions = SharedMemoryFiles.mapped(worker);
			for (int i = 0; i < 20; i++) {
				assertThat(service.echo(bytes)).isEqualTo(bytes);
			}
			assertThat(SharedMemoryFiles.openUnmapped("self")).isEmpty();
			// The worker closes the result's file once its send returns, which it learns
			// from an acknowledgement that may come a few milliseconds after the reply.
			await("the worker holds no file of a single value")
				.until(() -> SharedMemoryFiles.openUnmapped(worker).isEmpty());
			// Its own region and a mapping of the application's, the same ones
			// throughout.
			assertThat(regions).hasSize(2);
			assertThat(SharedMemoryFiles.mapped(worker)).isEqualTo(regions);
			// A larger value grows each region in place of the old one.
			byte[] larger = PayloadService.pattern(12 * MIB, 4);
			assertThat(service.echo(larger)).isEqualTo(larger);
			assertThat(SharedMemoryFiles.mapped(worker).keySet()).hasSize(2)
				.doesNotContainAnyElementsOf(regions.keySet());
		}
		// Not more than before: other tests' pools may still be closing theirs.
		await("the pool's regions are released").until(() -> descriptorCount("self") <= descriptors);
		assertThat(SharedMemoryFiles.mapped("self")).isEmpty();
	}

	@Test
	void aWorkerThatDiesMidTransferFailsOnlyThatCallAndLeavesNothingBehind() throws IOException {
		try (WorkerPool pool = pool("large-death")) {
			PayloadService service = pool.proxy(PayloadService.class);
			byte[] bytes = PayloadService.pattern(8 * MIB, 5);
			long first = service.pid();
			service.echo(bytes);
			long descriptors = descriptorCount("self");
			Set<Long> regions = SharedMemoryFiles.mapped("self").keySet();
			assertThatExceptionOfType(WorkerCrashedException.class).isThrownBy(() -> service.halt(bytes));
			long second = service.pid();
			assertThat(second).isNotEqualTo(first);
			assertThat(service.echo(bytes)).isEqualTo(bytes);
			assertThat(SharedMemoryFiles.openUnmapped("self")).isEmpty();
			// The dead worker's regions went with it; the new worker's took their place.
			assertThat(SharedMemoryFiles.mapped("self").keySet()).hasSize(2).doesNotContainAnyElementsOf(regions);
			// Not more than before: other tests' pools may still be closing theirs.
			assertThat(descriptorCount("self")).isLessThanOrEqualTo(descriptors);
		}
	}

	private static WorkerPool pool(String name) {
		// Frames far smaller than the values, so that only shared memory can carry them.
		WorkerPoolSettings settings = settings(name).maxWorkers(1).maxFrameSize(MIB).build();
		return WorkerPool.builder(settings).service(PayloadService.class, PayloadServiceImpl.class).build();
	}

	private static long descriptorCount(String process) throws IOException {
		try (Stream<Path> fds = Files.list(Path.of("/proc", process, "fd"))) {
			return fds.count();
		}
	}

}
