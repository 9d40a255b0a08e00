package dev.ceramic.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.ceramic.test.pool.FullSharedMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application whose shared memory has no room for a large argument fails only that
 * call, with a message that says what to change, and its worker serves on.
 */
@Timeout(120)
class PoolSharedMemoryFullTests {

	@TempDir
	Path temp;

	@Test
	void aValueWithoutRoomInSharedMemoryFailsOnlyItsCallAndSaysWhatToChange() throws Exception {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Path log = this.temp.resolve("output.log");
		// 4096 blocks: 2 MiB where a block is 512 bytes (POSIX sh), 4 MiB where 1 KiB.
		Process process = new ProcessBuilder(List.of("/bin/sh", "-c", "ulimit -f 4096; exec \"$0\" \"$@\"",
				java.toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp",
				System.getProperty("java.class.path"), FullSharedMemory.class.getName()))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		if (!process.waitFor(90, TimeUnit.SECONDS)) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
			throw new AssertionError("The application did not finish:\n" + Files.readString(log));
		}
		String output = Files.readString(log);
		assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
		assertThat(output).contains("large value: Could not write")
			.contains("lift any file-size limit (ulimit -f)")
			.contains("large-value-threshold")
			.contains("small value: 1000")
			.contains("same worker: true")
			.contains("crashes: 0");
	}

}
