package dev.ceramic.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ceramic.channel.Chan;
import dev.ceramic.test.proc.ChildJvms;
import dev.ceramic.test.proc.PrintsOutput;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static dev.ceramic.test.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A child's standard output and error reach SLF4J under {@code ceramic.proc.<name>},
 * tagged with its pid, and its last lines are kept.
 */
class ProcOutputTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void outputReachesSlf4jTaggedWithThePid() {
		String name = "proc-output";
		Logger logger = (Logger) LoggerFactory.getLogger("ceramic.proc." + name);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try (Proc proc = Proc.start(PrintsOutput.class, Chan.open(), ChildJvms.options(name).build())) {
			String tag = "[pid " + proc.pid() + "] ";
			List<String> expectedOut = PrintsOutput.STDOUT_LINES.stream().map((line) -> tag + line).toList();
			List<String> expectedErr = PrintsOutput.STDERR_LINES.stream().map((line) -> tag + line).toList();
			await("all lines logged").atMost(TIMEOUT)
				.until(() -> messages(appender, null),
						(all) -> messages(appender, Level.INFO).size() >= expectedOut.size()
								&& messages(appender, Level.WARN).size() >= expectedErr.size());
			assertThat(messages(appender, Level.INFO)).containsExactlyElementsOf(expectedOut);
			assertThat(messages(appender, Level.WARN)).containsExactlyElementsOf(expectedErr);
			assertThat(events(appender)).allSatisfy((event) -> {
				assertThat(event.getLoggerName()).isEqualTo("ceramic.proc." + name);
				assertThat(event.getMDCPropertyMap()).containsEntry("ceramic.pid", Long.toString(proc.pid()))
					.containsEntry("ceramic.process", name);
			});
			assertThat(proc.recentErrorOutput()).containsExactlyElementsOf(PrintsOutput.STDERR_LINES);
			// The child's ready line is protocol, not output.
			assertThat(proc.recentOutput()).containsExactlyElementsOf(PrintsOutput.STDOUT_LINES);
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void standardErrorGoesAtTheLevelTheOptionsSet() {
		String name = "proc-output-info";
		Logger logger = (Logger) LoggerFactory.getLogger("ceramic.proc." + name);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try (Proc proc = Proc.start(PrintsOutput.class, Chan.open(),
				ChildJvms.options(name).errorOutputLevel(org.slf4j.event.Level.INFO).build())) {
			String tag = "[pid " + proc.pid() + "] ";
			int lines = PrintsOutput.STDOUT_LINES.size() + PrintsOutput.STDERR_LINES.size();
			await("all lines logged").atMost(TIMEOUT)
				.until(() -> messages(appender, null), (all) -> all.size() >= lines);
			assertThat(messages(appender, Level.WARN)).isEmpty();
			assertThat(messages(appender, Level.INFO))
				.containsAll(PrintsOutput.STDERR_LINES.stream().map((line) -> tag + line).toList());
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void loggerIsNamedAfterTheEntryClassByDefault() {
		Logger logger = (Logger) LoggerFactory.getLogger("ceramic.proc." + PrintsOutput.class.getSimpleName());
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		ProcOptions options = ProcOptions.builder()
			.jvmArguments("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
			.startupTimeout(Duration.ofSeconds(20))
			.build();
		try (Proc proc = Proc.start(PrintsOutput.class, Chan.open(), options)) {
			assertThat(proc.name()).isEqualTo("PrintsOutput");
			String first = "[pid " + proc.pid() + "] " + PrintsOutput.STDOUT_LINES.get(0);
			await("'" + first + "' logged").atMost(TIMEOUT)
				.until(() -> messages(appender, null), (all) -> messages(appender, Level.INFO).contains(first));
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void nonAsciiOutputSurvivesAChildWhoseLocaleIsNotUtf8() {
		// The forwarder decodes the child's output as UTF-8, so the child must encode it
		// as UTF-8 whatever its locale says.
		assertStandardOutputArrivesWhole(ChildJvms.options("proc-output-posix-locale")
			.inheritEnvironment(false)
			.environment("LC_ALL", "C")
			.build());
	}

	@Test
	void nonAsciiOutputSurvivesAJdk25ChildWhoseLocaleIsNotUtf8() {
		// JDK 19 and later take the encoding of System.out from another property.
		Path jdk25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
		assumeTrue(Files.isExecutable(jdk25), "This platform lacks a second JDK: " + jdk25 + " is not installed");
		assertStandardOutputArrivesWhole(ChildJvms.options("proc-output-posix-locale-25")
			.javaExecutable(jdk25)
			.inheritEnvironment(false)
			.environment("LC_ALL", "C")
			.build());
	}

	private static void assertStandardOutputArrivesWhole(ProcOptions options) {
		try (Proc proc = Proc.start(PrintsOutput.class, Chan.open(), options)) {
			await("all lines of standard output").atMost(TIMEOUT)
				.until(proc::recentOutput, (lines) -> lines.size() >= PrintsOutput.STDOUT_LINES.size());
			assertThat(proc.recentOutput()).containsExactlyElementsOf(PrintsOutput.STDOUT_LINES);
		}
	}

	private static List<ILoggingEvent> events(ListAppender<ILoggingEvent> appender) {
		// AppenderBase.doAppend holds the appender's monitor while it adds to the list.
		synchronized (appender) {
			return new ArrayList<>(appender.list);
		}
	}

	private static List<String> messages(ListAppender<ILoggingEvent> appender, Level level) {
		return events(appender).stream()
			.filter((event) -> level == null || event.getLevel() == level)
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

}
