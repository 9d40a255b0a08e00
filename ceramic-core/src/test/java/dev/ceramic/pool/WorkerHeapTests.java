package dev.ceramic.pool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import dev.ceramic.test.pool.PayloadService;
import dev.ceramic.test.pool.PayloadServiceImpl;
import dev.ceramic.test.pool.TestPools;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker's heap starts small, so that its start-up garbage does not stay resident, and
 * grows as its calls need without shrinking again; a pool whose JVM options choose the
 * heap's start keeps its choice.
 */
class WorkerHeapTests {

	private static final int MIB = 1024 * 1024;

	@Test
	void aWorkerStartsWithASmallHeapThatGrowsAsItsCallsNeed() throws IOException {
		try (WorkerPool pool = pool("small-heap", List.of())) {
			PayloadService service = pool.proxy(PayloadService.class);
			assertThat(options(service.pid())).contains(InitialHeap.SMALL, InitialHeap.NO_SHRINKING);
			// Four times the initial heap, as one array.
			assertThat(service.length(new byte[32 * MIB])).isEqualTo(32 * MIB);
		}
	}

	@Test
	void aPoolThatChoosesItsMinimumHeapKeepsItsChoice() throws IOException {
		// With -Xms8m as well, the JVM would refuse to start: "Incompatible minimum and
		// initial heap sizes specified".
		try (WorkerPool pool = pool("chosen-heap", List.of("-XX:MinHeapSize=16m"))) {
			PayloadService service = pool.proxy(PayloadService.class);
			assertThat(options(service.pid())).contains("-XX:MinHeapSize=16m")
				.doesNotContain(InitialHeap.SMALL, InitialHeap.NO_SHRINKING);
		}
	}

	@Test
	void optionsThatChooseTheHeapsStartOrForbidASmallOneAreRecognised() {
		assertThat(InitialHeap.isChosenIn(List.of("-Xmx96m", "-XX:+UseSerialGC"))).isFalse();
		assertThat(InitialHeap.isChosenIn(List.of("-Xmx8m", "-XX:MaxHeapSize=1G"))).isFalse();
		assertThat(List.of("-Xms64m", "-XX:InitialHeapSize=64m", "-XX:MinHeapSize=16m", "-XX:InitialRAMPercentage=5",
				"-XX:InitialRAMFraction=64", "-Xmx4m", "-XX:MaxHeapSize=4096k", "-Xmx"))
			.allSatisfy((option) -> assertThat(InitialHeap.isChosenIn(List.of("-Xmx96m", option))).as(option).isTrue());
	}

	private static WorkerPool pool(String name, List<String> jvmArguments) {
		WorkerPoolSettings settings = TestPools.settings(name)
			.maxWorkers(1)
			.startupCache(false, null)
			.jvmArguments(jvmArguments)
			.build();
		return WorkerPool.builder(settings).service(PayloadService.class, PayloadServiceImpl.class).build();
	}

	private static List<String> options(long pid) throws IOException {
		byte[] commandLine = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
		return Arrays.asList(new String(commandLine, StandardCharsets.UTF_8).split("\0"));
	}

}
