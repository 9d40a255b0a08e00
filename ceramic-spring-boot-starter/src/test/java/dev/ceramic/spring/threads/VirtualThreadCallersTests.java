package dev.ceramic.spring.threads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * With {@code spring.threads.virtual.enabled=true} on JDK 21 or later, 200 concurrent
 * virtual-thread callers into a pool of 2 complete, and none of them pins its carrier
 * while it waits on a worker. The project's baseline is Java 17, so the application runs
 * in a JVM of a newer installation found on this machine ({@link VirtualThreadCallers}),
 * under a JFR recording of {@code jdk.VirtualThreadPinned}.
 */
class VirtualThreadCallersTests {

	private static final int CALLERS = 200;

	private static final int CALL_MILLIS = 20;

	private static final int CARRIER_CHECK_CALL_MILLIS = 800;

	private static final int CARRIERS = 2;

	private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

	@TempDir
	private Path temp;

	@Test
	void twoHundredVirtualThreadCallersIntoAPoolOfTwoCompleteWithoutPinningTheirCarriers() throws Exception {
		Path java = Jdks.java(21).orElse(null);
		assumeTrue(java != null,
				() -> "Virtual threads need JDK 21 or later, and this machine has none: this JVM is "
						+ Runtime.version() + ", no JAVA_HOME_<version> variable names one, and there is none under "
						+ Jdks.SYSTEM_JVMS);
		Path recording = this.temp.resolve("pinned.jfr");
		List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:TieredStopAtLevel=1",
				"--enable-native-access=ALL-UNNAMED",
				// As many carriers as workers, and no spare ones: callers that hold their
				// carriers while they wait leave nothing for other virtual threads.
				"-Djdk.virtualThreadScheduler.parallelism=" + CARRIERS,
				"-Djdk.virtualThreadScheduler.maxPoolSize=" + CARRIERS, "-cp", System.getProperty("java.class.path"),
				VirtualThreadCallers.class.getName(), Integer.toString(CALLERS), Integer.toString(CALL_MILLIS),
				Integer.toString(CARRIER_CHECK_CALL_MILLIS), recording.toString()));
		Path log = this.temp.resolve("output.log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
			throw new AssertionError(
					"The application did not finish within " + RUN_TIMEOUT + ". Output:\n" + Files.readString(log));
		}
		String output = Files.readString(log);
		System.out.println("Virtual-thread callers on " + java + ":");
		output.lines().filter((line) -> line.startsWith(VirtualThreadCallers.REPORT)).forEach(System.out::println);
		assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
		assertThat(report(output, "completed")).isEqualTo(Integer.toString(CALLERS));
		assertThat(report(output, "failures")).isEqualTo("0");
		assertThat(report(output, "virtual-callers")).as("callers that ran on virtual threads")
			.isEqualTo(Integer.toString(CALLERS));
		assertThat(report(output, "worker-pids")).isEqualTo("2");
		assertThat(report(output, "pinned-events-in-control"))
			.as("the deliberately pinned thread shows in the recording, so the recording sees pinning")
			.isNotEqualTo("0");
		assertThat(report(output, "pinned-events-measured-in-ceramic"))
			.as("pinned events with ceramic on the stack, after the warm-up; output:%n%s", output)
			.isEqualTo("0");
		assertThat(report(output, "carrier-check-workers-busy")).as("both calls were still running during the check")
			.isEqualTo("true");
		assertThat(Long.parseLong(report(output, "carrier-check-max-latency-ms")))
			.as("how long a new virtual thread waited for a carrier while both workers were busy; output:%n%s", output)
			.isLessThan(CARRIER_CHECK_CALL_MILLIS / 3);
		assertThat(Long.parseLong(report(output, "carrier-check-control-max-latency-ms")))
			.as("the same, while two virtual threads held both carriers on purpose: the check notices")
			.isGreaterThanOrEqualTo(CarrierHogs.HOLD_MILLIS / 3);
	}

	private static String report(String output, String key) {
		String prefix = VirtualThreadCallers.REPORT + key + "=";
		return output.lines()
			.filter((line) -> line.startsWith(prefix))
			.map((line) -> line.substring(prefix.length()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No '" + prefix + "' line in the output:\n" + output));
	}

}
