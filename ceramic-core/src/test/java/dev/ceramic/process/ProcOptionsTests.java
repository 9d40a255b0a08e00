package dev.ceramic.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.TypedReceiver;
import dev.ceramic.test.proc.ChildFacts;
import dev.ceramic.test.proc.ChildJvms;
import dev.ceramic.test.proc.ReportsFacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.ceramic.test.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every {@link ProcOptions} setting reaches a real child JVM, which reports what it sees
 * over the channel.
 */
class ProcOptionsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final Path JDK_25_JAVA = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

	private static final String RESTRICTED_METHOD_WARNING = "restricted method";

	@Test
	void jvmArgumentsReachTheChild() {
		ChildFacts small = report(ChildJvms.options("proc-options-xmx").jvmArguments("-Xmx48m").build());
		assertThat(small.maxMemory()).isLessThanOrEqualTo(48L * 1024 * 1024).isGreaterThan(40L * 1024 * 1024);
	}

	@Test
	void systemPropertiesReachTheChild() {
		ChildFacts facts = report(ChildJvms.options("proc-options-properties")
			.systemProperty("ceramic.test.plain", "value")
			.systemProperty("ceramic.test.awkward", "two words = \"quoted\" $HOME")
			.build());
		assertThat(facts.systemProperties()).containsEntry("ceramic.test.plain", "value")
			.containsEntry("ceramic.test.awkward", "two words = \"quoted\" $HOME")
			.doesNotContainKey("ceramic.test.unset");
	}

	@Test
	void environmentIsInheritedAndCanBeExtended() {
		String inherited = anInheritedVariable();
		ChildFacts facts = report(
				ChildJvms.options("proc-options-env").environment("CERAMIC_TEST_VAR", "set by the parent").build());
		assertThat(facts.environment()).containsEntry("CERAMIC_TEST_VAR", "set by the parent")
			.containsEntry(inherited, System.getenv(inherited));
	}

	@Test
	void environmentIsNotInheritedWhenTurnedOff() {
		ChildFacts facts = report(ChildJvms.options("proc-options-no-env")
			.inheritEnvironment(false)
			.environment("CERAMIC_TEST_VAR", "the only one")
			.build());
		assertThat(facts.environment()).containsEntry("CERAMIC_TEST_VAR", "the only one");
		assertThat(facts.environment().keySet()).doesNotContainAnyElementsOf(System.getenv().keySet());
	}

	@Test
	void anInheritedVariableCanBeRemoved() {
		String removed = anInheritedVariable();
		Map<String, String> parent = System.getenv();
		String kept = parent.keySet().stream().filter((key) -> !key.equals(removed)).findFirst().orElse(null);
		assumeTrue(kept != null, "The test JVM has only one environment variable, so nothing is left to inherit");
		ChildFacts facts = report(ChildJvms.options("proc-options-remove-env").removeEnvironment(removed).build());
		assertThat(facts.environment()).doesNotContainKey(removed).containsEntry(kept, parent.get(kept));
	}

	@Test
	void workingDirectoryIsSet(@TempDir Path directory) throws Exception {
		ChildFacts facts = report(ChildJvms.options("proc-options-cwd").workingDirectory(directory).build());
		assertThat(Path.of(facts.workingDirectory()).toRealPath()).isEqualTo(directory.toRealPath());
		assertThat(directory.toRealPath()).isNotEqualTo(Path.of("").toRealPath());
	}

	@Test
	void javaExecutableCanBeGivenExplicitly() {
		ChildFacts facts = report(
				ChildJvms.options("proc-options-java").javaExecutable(ProcOptions.currentJava()).build());
		assertThat(facts.javaHome()).isEqualTo(System.getProperty("java.home"));
		assertThat(facts.javaFeatureVersion()).isEqualTo(Runtime.version().feature());
	}

	@Test
	void anotherJdkRunsTheChildWithoutRestrictedMethodWarnings() throws Exception {
		assumeTrue(Files.isExecutable(JDK_25_JAVA),
				"This platform lacks a second JDK: " + JDK_25_JAVA + " is not installed");
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(ReportsFacts.class, chan,
				ChildJvms.options("proc-options-jdk25").javaExecutable(JDK_25_JAVA).build())) {
			ChildFacts facts = TypedReceiver.over(chan, ChildFacts.class).recv(TIMEOUT);
			assertThat(facts.javaFeatureVersion()).isEqualTo(25);
			List<String> stderr = errorOutputUpToMarker(proc);
			assertThat(stderr).noneMatch((line) -> line.contains(RESTRICTED_METHOD_WARNING));
		}
	}

	@Test
	void restrictedMethodWarningsAreSeenWhenNativeAccessIsNotEnabled() throws Exception {
		// The control for the test above: without --enable-native-access, JDK 25 does
		// warn,
		// and the warning does reach recentErrorOutput() before the marker.
		assumeTrue(Files.isExecutable(JDK_25_JAVA),
				"This platform lacks a second JDK: " + JDK_25_JAVA + " is not installed");
		LaunchMode classpath = LaunchMode.currentClasspath();
		LaunchMode withoutNativeAccess = new LaunchMode() {

			@Override
			public List<String> command(String javaExecutable, List<String> jvmArguments, String mainClass,
					List<String> arguments) {
				List<String> filtered = jvmArguments.stream()
					.filter((argument) -> !argument.startsWith("--enable-native-access"))
					.toList();
				return classpath.command(javaExecutable, filtered, mainClass, arguments);
			}

			@Override
			public String describe() {
				return "flat classpath without --enable-native-access";
			}

		};
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(ReportsFacts.class, chan,
				ChildJvms.options("proc-options-jdk25-warn")
					.javaExecutable(JDK_25_JAVA)
					.launchMode(withoutNativeAccess)
					.build())) {
			TypedReceiver.over(chan, ChildFacts.class).recv(TIMEOUT);
			List<String> stderr = errorOutputUpToMarker(proc);
			assertThat(stderr).anyMatch((line) -> line.contains(RESTRICTED_METHOD_WARNING));
		}
	}

	@Test
	void anotherJdkReachedThroughASymlinkIsRecognised(@TempDir Path directory) throws Exception {
		// /usr/bin/java is such a symlink on most Linux systems.
		assumeTrue(Files.isExecutable(JDK_25_JAVA),
				"This platform lacks a second JDK: " + JDK_25_JAVA + " is not installed");
		Path bin = Files.createDirectories(directory.resolve("bin"));
		Path java = Files.createSymbolicLink(bin.resolve("java"), JDK_25_JAVA);
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(ReportsFacts.class, chan,
				ChildJvms.options("proc-options-jdk25-link").javaExecutable(java).build())) {
			ChildFacts facts = TypedReceiver.over(chan, ChildFacts.class).recv(TIMEOUT);
			assertThat(facts.javaFeatureVersion()).isEqualTo(25);
			List<String> stderr = errorOutputUpToMarker(proc);
			assertThat(stderr).noneMatch((line) -> line.contains(RESTRICTED_METHOD_WARNING));
		}
		finally {
			// Not left to @TempDir, which warns about links that point out of it.
			Files.delete(java);
		}
	}

	private static ChildFacts report(ProcOptions options) {
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(ReportsFacts.class, chan, options)) {
			ChildFacts facts = TypedReceiver.over(chan, ChildFacts.class).recv(TIMEOUT);
			assertThat(facts).isNotNull();
			return facts;
		}
	}

	/**
	 * Standard error is one ordered stream, so once the child's marker has been
	 * forwarded, so has everything the JVM printed before it.
	 */
	private static List<String> errorOutputUpToMarker(Proc proc) {
		await("the marker on standard error").atMost(TIMEOUT)
			.until(proc::recentErrorOutput, (lines) -> lines.contains(ReportsFacts.STDERR_MARKER));
		List<String> lines = proc.recentErrorOutput();
		return lines.subList(0, lines.indexOf(ReportsFacts.STDERR_MARKER));
	}

	private static String anInheritedVariable() {
		Map<String, String> parent = System.getenv();
		assumeTrue(!parent.isEmpty(), "The test JVM has no environment variables to inherit");
		return parent.containsKey("PATH") ? "PATH" : new TreeSet<>(parent.keySet()).first();
	}

	@Test
	void optionsCopiedIntoABuilderBuildTheSameOptions(@TempDir Path directory) {
		ProcOptions options = ProcOptions.builder()
			.name("copied")
			.javaHome(Path.of(System.getProperty("java.home")))
			.jvmArguments("-Xmx48m")
			.systemProperty("colour", "blue")
			.inheritEnvironment(false)
			.environment("TZ", "UTC")
			.removeEnvironment("HOME")
			.workingDirectory(directory)
			.startupTimeout(Duration.ofSeconds(3))
			.closeGrace(Duration.ofSeconds(1))
			.startupCache(false)
			.build();
		assertThat(options.toBuilder().build()).usingRecursiveComparison().isEqualTo(options);
		assertThat(options.javaHome()).isEqualTo(Path.of(System.getProperty("java.home")));
		assertThat(options.javaExecutable()).isEqualTo(ProcOptions.currentJava());
	}

	@Test
	void jvmArgumentsFirstGoBeforeThoseAddedSoFar() {
		ProcOptions options = ProcOptions.builder()
			.jvmArguments("-Xmx48m")
			.jvmArgumentsFirst("-Xss1m", "-Xms8m")
			.build();
		assertThat(options.jvmArguments()).containsExactly("-Xss1m", "-Xms8m", "-Xmx48m");
	}

	@Test
	void anExplicitExecutableReplacesAJavaHome() {
		Path java = ProcOptions.currentJava();
		ProcOptions options = ProcOptions.builder().javaHome(Path.of("/no/such/jdk")).javaExecutable(java).build();
		assertThat(options.javaHome()).isNull();
		assertThat(options.javaExecutable()).isEqualTo(java);
	}

}
