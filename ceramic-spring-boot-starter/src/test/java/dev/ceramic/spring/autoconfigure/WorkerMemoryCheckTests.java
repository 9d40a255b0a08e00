package dev.ceramic.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.ceramic.pool.WorkerPoolSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CgroupMemoryLimit} and {@link WorkerMemoryCheck}: the limit read from
 * real files in a directory laid out like {@code /sys/fs/cgroup} (v2, v1 and a hybrid of
 * both), the arithmetic of max-workers heaps plus the application's, and the warning's
 * words; and that this machine's own cgroup files read without failing.
 */
class WorkerMemoryCheckTests {

	private static final long MIB = 1024 * 1024;

	@TempDir
	Path root;

	@Test
	void readsCgroupV2MemoryMaxOfItsOwnCgroup() throws IOException {
		write("app.slice/app.scope/memory.max", "1073741824\n");
		write("app.slice/memory.max", "max\n");
		Path self = write("self", "0::/app.slice/app.scope\n");
		CgroupMemoryLimit limit = CgroupMemoryLimit.read(this.root, self).orElseThrow();
		assertThat(limit.bytes()).isEqualTo(1024 * MIB);
		assertThat(limit.file()).isEqualTo(this.root.resolve("app.slice/app.scope/memory.max"));
	}

	@Test
	void anAncestorsSmallerLimitCounts() throws IOException {
		write("app.slice/app.scope/memory.max", "max\n");
		write("app.slice/memory.max", "536870912\n");
		Path self = write("self", "0::/app.slice/app.scope\n");
		assertThat(CgroupMemoryLimit.read(this.root, self).orElseThrow().bytes()).isEqualTo(512 * MIB);
	}

	@Test
	void insideAContainerTheMountsRootIsTheContainersCgroup() throws IOException {
		// /proc/self/cgroup names the host's path, which the container does not see.
		write("memory.max", "268435456\n");
		Path self = write("self", "0::/kubepods/pod1/abc\n");
		assertThat(CgroupMemoryLimit.read(this.root, self).orElseThrow().bytes()).isEqualTo(256 * MIB);
	}

	@Test
	void readsCgroupV1OnAHybridSystem() throws IOException {
		// Like this machine: v1 controllers, and a v2 hierarchy under unified without the
		// memory controller.
		write("memory/process_api/abc/memory.limit_in_bytes", "805306368\n");
		write("memory/memory.limit_in_bytes", "9223372036854771712\n");
		write("unified/cgroup.controllers", "\n");
		Path self = write("self", "4:memory:/process_api/abc\n3:cpuset:/\n0::/\n");
		CgroupMemoryLimit limit = CgroupMemoryLimit.read(this.root, self).orElseThrow();
		assertThat(limit.bytes()).isEqualTo(768 * MIB);
		assertThat(limit.file()).isEqualTo(this.root.resolve("memory/process_api/abc/memory.limit_in_bytes"));
	}

	@Test
	void noLimitWhenEveryFileSaysUnlimitedOrIsMissing() throws IOException {
		write("memory/memory.limit_in_bytes", "9223372036854771712\n");
		write("memory.max", "max\n");
		Path self = write("self", "4:memory:/a\n0::/b\n");
		assertThat(CgroupMemoryLimit.read(this.root, self)).isEmpty();
		assertThat(CgroupMemoryLimit.read(this.root, this.root.resolve("no-such-file"))).isEmpty();
	}

	@Test
	void readsThisMachinesCgroupWithoutFailing() {
		Optional<CgroupMemoryLimit> limit = CgroupMemoryLimit.ofThisProcess();
		limit.ifPresent((found) -> {
			assertThat(found.bytes()).isPositive();
			assertThat(found.file()).startsWith(CgroupMemoryLimit.SYSTEM_ROOT).exists();
		});
		// Whatever it found, checking against it does not fail either.
		WorkerMemoryCheck.warnIfWorkersCannotFit(List.of(pool("real", 4, "-Xmx64m")));
	}

	@Test
	void workersThatFitBesideTheApplicationAreNotWarnedAbout() {
		// 3 x 256 + 256 = 1024: exactly the limit.
		assertThat(WorkerMemoryCheck.check(limit(1024), 256 * MIB, List.of(pool("docs", 3, "-Xmx256m")))).isEmpty();
	}

	@Test
	void workersThatCannotFitAreWarnedAboutWithTheFiguresAndTheProperties() {
		String warning = WorkerMemoryCheck
			.check(limit(1024), 256 * MIB, List.of(pool("docs", 4, "-Xms64m", "-Xmx512m", "-Xmx256M")))
			.orElseThrow();
		// The last -Xmx wins: 4 x 256 + 256 = 1280 > 1024.
		assertThat(warning).contains("memory limit of 1024 MiB (" + this.root.resolve("memory.max") + ")")
			.contains("pool 'docs' 4 workers (max-workers) x -Xmx 256 MiB = 1024 MiB")
			.contains("application's max heap of 256 MiB, is 1280 MiB")
			.contains("ceramic.pools.docs.max-workers")
			.contains("ceramic.pools.docs.jvm-args (-Xmx)");
	}

	@Test
	void aPoolWithoutXmxIsSaidToHaveNoneAndCountedAtTheJvmsDefault() {
		// 4 workers at the default quarter of the limit fill it; the application does not
		// fit.
		String warning = WorkerMemoryCheck.check(limit(2048), 64 * MIB, List.of(pool("plain", 4, "-Xss512k")))
			.orElseThrow();
		assertThat(warning)
			.contains("no -Xmx in ceramic.pools.plain.jvm-args, so the JVM's default of 25% of the limit, 512 MiB")
			.contains("= 2048 MiB")
			.contains("is 2112 MiB");
		String percentage = WorkerMemoryCheck
			.check(limit(2048), 64 * MIB, List.of(pool("plain", 4, "-XX:MaxRAMPercentage=12.5")))
			.orElse("fits");
		assertThat(percentage).isEqualTo("fits");
	}

	@Test
	void everyPoolCountsTowardsTheSameLimit() {
		// Each fits alone; together with the application they do not: 2 x 256 + 2 x 256
		// + 128 = 1152.
		String warning = WorkerMemoryCheck
			.check(limit(1024), 128 * MIB, List.of(pool("a", 2, "-Xmx256m"), pool("b", 2, "-XX:MaxHeapSize=256m")))
			.orElseThrow();
		assertThat(warning).contains("pool 'a' 2 workers")
			.contains("pool 'b' 2 workers")
			.contains("is 1152 MiB")
			.contains("ceramic.pools.a.max-workers")
			.contains("ceramic.pools.b.max-workers");
	}

	@Test
	void maxHeapReadsTheJvmsSizeUnits() {
		assertThat(WorkerMemoryCheck.maxHeap(List.of("-Xmx1g"))).hasValue(1024 * MIB);
		assertThat(WorkerMemoryCheck.maxHeap(List.of("-Xmx2048k"))).hasValue(2 * MIB);
		assertThat(WorkerMemoryCheck.maxHeap(List.of("-Xmx1048576"))).hasValue(MIB);
		assertThat(WorkerMemoryCheck.maxHeap(List.of("-Xmxlots"))).isEmpty();
		assertThat(WorkerMemoryCheck.maxHeap(List.of("-Xms64m"))).isEmpty();
	}

	private CgroupMemoryLimit limit(long mebibytes) {
		return new CgroupMemoryLimit(mebibytes * MIB, this.root.resolve("memory.max"));
	}

	private static WorkerPoolSettings pool(String name, int maxWorkers, String... jvmArgs) {
		return WorkerPoolSettings.builder(name)
			.minWorkers(0)
			.maxWorkers(maxWorkers)
			.jvmArguments(List.of(jvmArgs))
			.build();
	}

	private Path write(String relative, String content) throws IOException {
		Path file = this.root.resolve(relative);
		Files.createDirectories(file.getParent());
		return Files.writeString(file, content);
	}

}
