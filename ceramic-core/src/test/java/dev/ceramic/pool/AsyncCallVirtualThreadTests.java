package dev.ceramic.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.ceramic.test.Jdks;
import dev.ceramic.test.pool.AsyncCallsOnVirtualThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On JDK 21 or later, asynchronous calls run on virtual threads, and a cancelled call
 * counts as an interrupted one (a timeout), not as a crash, although the interrupt closes
 * the socket its thread is blocked on. The project's baseline is Java 17, so the calls
 * run in a JVM of a newer installation found on this machine
 * ({@link AsyncCallsOnVirtualThreads}).
 */
@Timeout(180)
class AsyncCallVirtualThreadTests {

	private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

	@TempDir
	Path temp;

	@Test
	void onVirtualThreadsACancelledCallIsATimeoutAndThePoolGoesOnServing() throws Exception {
		Path java = Jdks.java(21).orElse(null);
		assumeTrue(java != null,
				() -> "Virtual threads need JDK 21 or later, and this machine has none: this JVM is "
						+ Runtime.version() + ", no JAVA_HOME_<version> variable names one, and there is none under "
						+ Jdks.SYSTEM_JVMS);
		Path log = this.temp.resolve("output.log");
		Process process = new ProcessBuilder(List.of(java.toString(), "-XX:TieredStopAtLevel=1",
				"--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
				AsyncCallsOnVirtualThreads.class.getName(), this.temp.toString()))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
			throw new AssertionError("The JVM did not finish within " + RUN_TIMEOUT + ":\n" + Files.readString(log));
		}
		String output = Files.readString(log);
		assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
		assertThat(report(output, "value")).isEqualTo("v!");
		assertThat(report(output, "virtual")).as("the call ran on a virtual thread").isEqualTo("true");
		assertThat(report(output, "cancelled")).isEqualTo("true");
		assertThat(report(output, "after")).isEqualTo("a!");
		assertThat(report(output, "replaced")).isEqualTo("true");
		assertThat(report(output, "timeouts")).as("timeouts; output:%n%s", output).isEqualTo("1");
		assertThat(report(output, "crashes")).as("crashes; output:%n%s", output).isEqualTo("0");
	}

	private static String report(String output, String key) {
		String prefix = AsyncCallsOnVirtualThreads.REPORT + key + "=";
		return output.lines()
			.filter((line) -> line.startsWith(prefix))
			.map((line) -> line.substring(prefix.length()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No '" + prefix + "' line in the output:\n" + output));
	}

}
