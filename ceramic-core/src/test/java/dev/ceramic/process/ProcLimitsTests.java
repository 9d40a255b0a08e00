package dev.ceramic.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.ceramic.channel.Chan;
import dev.ceramic.test.proc.Echo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A child with {@link ResourceLimits} is the JVM itself, under the pid {@link Proc}
 * reports, with the limits in place before it started.
 */
class ProcLimitsTests {

	@Test
	void theShellThatSetsTheLimitsBecomesTheJvmUnderTheSamePid() throws IOException {
		ResourceLimits limits = ResourceLimits.none()
			.withDataSize(1L << 30)
			.withCpuTime(Duration.ofSeconds(100))
			.withOpenFiles(200)
			.withCoreDumps(false);
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(Echo.class, chan, ProcOptions.builder().limits(limits).build())) {
			chan.send("hello".getBytes());
			assertThat(new String(chan.recv())).isEqualTo("hello");
			Path process = Path.of("/proc", Long.toString(proc.pid()));
			assertThat(Files.readSymbolicLink(process.resolve("exe")).getFileName()).hasToString("java");
			String commandLine = Files.readString(process.resolve("cmdline")).replace('\0', ' ');
			assertThat(commandLine).doesNotContain("ulimit").contains(Echo.class.getName());
			List<String> lines = Files.readAllLines(process.resolve("limits"));
			assertThat(lines)
				.anySatisfy((line) -> assertThat(line).matches("Max data size\\s+1073741824\\s+1073741824\\s.*"))
				.anySatisfy((line) -> assertThat(line).matches("Max cpu time\\s+100\\s+101\\s.*"))
				.anySatisfy((line) -> assertThat(line).matches("Max open files\\s+200\\s+200\\s.*"))
				.anySatisfy((line) -> assertThat(line).matches("Max core file size\\s+0\\s+0\\s.*"));
			assertThat(proc.limits()).isEqualTo(limits);
		}
	}

	@Test
	void withoutLimitsTheCommandIsTheJvmsOwn() {
		List<String> command = List.of("java", "-version");
		assertThat(ResourceLimits.none().wrap(command)).isSameAs(command);
		assertThat(ResourceLimits.none().withCoreDumps(false).wrap(command)).startsWith("/bin/sh", "-c")
			.endsWith("java", "-version");
	}

	@Test
	void cpuTimeIsRoundedUpToWholeSecondsAndLimitsMustBePositive() {
		assertThat(ResourceLimits.none().withCpuTime(Duration.ofMillis(1500)).cpuSeconds()).hasValue(2);
		assertThat(ResourceLimits.none().withCpuTime(Duration.ofSeconds(3)).cpuSeconds()).hasValue(3);
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> ResourceLimits.none().withCpuTime(Duration.ZERO));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> ResourceLimits.none().withDataSize(0));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> ResourceLimits.none().withOpenFiles(-1));
	}

}
