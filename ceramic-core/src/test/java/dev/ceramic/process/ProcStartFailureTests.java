package dev.ceramic.process;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.ceramic.channel.Chan;
import dev.ceramic.test.proc.ChildJvms;
import dev.ceramic.test.proc.PartialLine;
import dev.ceramic.test.proc.QuickExit;
import dev.ceramic.test.proc.SlowStaticInit;
import dev.ceramic.test.proc.ThrowingConstructor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static dev.ceramic.test.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A child that cannot start gives a {@link ProcStartException} that says what went wrong,
 * and leaves no process behind.
 */
class ProcStartFailureTests {

	private static final Pattern PID = Pattern.compile("\\(pid (\\d+)\\)");

	@Test
	void entryWhoseConstructorThrowsReportsTheChildsStandardError() {
		Chan chan = Chan.open();
		ProcStartException ex = startFailure(
				() -> Proc.start(ThrowingConstructor.class, chan, ChildJvms.options("proc-start-ctor").build()));
		assertThat(ex).hasMessageStartingWith("Child process 'proc-start-ctor' (pid ")
			.hasMessageContaining("exited during start-up with exit code " + ChildMain.BAD_ENTRY_EXIT_STATUS
					+ ". Its last lines of standard error:")
			.hasMessageContaining("Cannot run entry class " + ThrowingConstructor.class.getName())
			.hasMessageContaining("java.lang.IllegalStateException: " + ThrowingConstructor.MESSAGE);
		assertThat(ChildJvms.isAlive(pidIn(ex))).isFalse();
		assertThat(chan.isOpen()).isFalse();
	}

	@Test
	void childThatIsNotReadyWithinTheStartupTimeoutIsKilled() {
		Chan chan = Chan.open();
		long start = System.nanoTime();
		ProcStartException ex = startFailure(() -> Proc.start(SlowStaticInit.class, chan,
				ChildJvms.options("proc-start-slow").startupTimeout(Duration.ofMillis(300)).build()));
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		long pid = pidIn(ex);
		try {
			assertThat(ex).hasMessageStartingWith("Child process 'proc-start-slow' (pid ")
				.hasMessageContaining("did not become ready within the start-up timeout of 300ms and was killed");
			// The static initializer sleeps for 5 s; the timeout did not wait for it.
			assertThat(elapsed).isLessThan(Duration.ofSeconds(4));
			// Proc.start gives the caller no handle on the child, so it must be gone
			// by the time the exception is thrown.
			assertThat(ChildJvms.isAlive(pid)).as("child %d is alive after Proc.start failed", pid).isFalse();
			assertThat(chan.isOpen()).isFalse();
		}
		finally {
			ChildJvms.killQuietly(pid);
		}
	}

	@Test
	void badJvmOptionReportsTheJvmsComplaint() {
		Chan chan = Chan.open();
		ProcStartException ex = startFailure(() -> Proc.start(QuickExit.class, chan,
				ChildJvms.options("proc-start-bad-option").jvmArguments("-XX:+CeramicNoSuchOption").build()));
		assertThat(ex).hasMessageStartingWith("Child process 'proc-start-bad-option' (pid ")
			.hasMessageContaining("exited during start-up with exit code 1. Its last lines of standard error:")
			.hasMessageContaining("Unrecognized VM option 'CeramicNoSuchOption'");
		assertThat(ChildJvms.isAlive(pidIn(ex))).isFalse();
		assertThat(chan.isOpen()).isFalse();
	}

	@Test
	void javaExecutableThatDoesNotExistIsReported(@TempDir Path directory) {
		Path missing = directory.resolve("bin").resolve("java");
		Chan chan = Chan.open();
		ProcStartException ex = startFailure(() -> Proc.start(QuickExit.class, chan,
				ChildJvms.options("proc-start-no-java").javaExecutable(missing).build()));
		assertThat(ex).hasMessageStartingWith("Could not launch child process 'proc-start-no-java' with " + missing);
		assertThat(ex.getCause()).isNotNull();
		assertThat(chan.isOpen()).isFalse();
	}

	/**
	 * A child that gets ready and exits at once, while the parent's forwarding of its
	 * output lags behind, did start: its entry class ran. Reporting a start failure would
	 * make a caller think that the entry never ran, and perhaps run it again. The lag is
	 * made certain with a log appender that holds up the child's first line of output
	 * (printed before its ready line) until the child has exited and either
	 * {@code Proc.start} has given its answer or 300 ms have passed.
	 */
	@Test
	void childThatExitsRightAfterStartingIsNotAStartFailure() throws Exception {
		String name = "proc-start-quick-exit";
		Logger logger = (Logger) LoggerFactory.getLogger("ceramic.proc." + name);
		AtomicBoolean startAnswered = new AtomicBoolean();
		HoldFirstLine hold = new HoldFirstLine(startAnswered);
		hold.start();
		logger.addAppender(hold);
		Chan chan = Chan.open();
		Proc proc = null;
		try {
			proc = Proc.start(QuickExit.class, chan, ChildJvms.options(name).build());
		}
		catch (ProcStartException ex) {
			fail("A child that became ready and then exited with status 0 was reported as a start failure", ex);
		}
		finally {
			startAnswered.set(true);
		}
		try (Proc started = proc) {
			assertThat(hold.childExitedWhileHeld.get()).as("the child exited while its first line was held").isTrue();
			assertThat(started.waitFor(Duration.ofSeconds(10))).isEqualTo(OptionalInt.of(0));
			assertThat(started.recentOutput()).containsExactly(QuickExit.GREETING);
		}
		finally {
			logger.detachAppender(hold);
			hold.stop();
		}
	}

	/**
	 * Text without a line end on standard output before the child is ready must not hide
	 * the ready line, which then shares a line with that text.
	 */
	@Test
	void childThatPrintedAPartialLineBeforeItWasReadyStarts() {
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(PartialLine.class, chan,
				ChildJvms.options("proc-start-partial-line").startupTimeout(Duration.ofSeconds(5)).build())) {
			chan.send("ping".getBytes(StandardCharsets.UTF_8));
			assertThat(chan.recv(Duration.ofSeconds(5))).asString(StandardCharsets.UTF_8).isEqualTo("ping");
			await("the partial line in recentOutput()").atMost(Duration.ofSeconds(5))
				.until(() -> !proc.recentOutput().isEmpty());
			assertThat(proc.recentOutput()).containsExactly(PartialLine.PARTIAL);
		}
	}

	private static ProcStartException startFailure(Supplier<Proc> start) {
		try {
			Proc proc = start.get();
			proc.close();
			return fail("Proc.start succeeded and returned " + proc);
		}
		catch (ProcStartException ex) {
			return ex;
		}
	}

	private static long pidIn(ProcStartException ex) {
		Matcher matcher = PID.matcher(String.valueOf(ex.getMessage()));
		assertThat(matcher.find()).as("a pid in: %s", ex.getMessage()).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	/**
	 * Holds up the first line logged for a child, as a slow log destination would, until
	 * the child has exited and then until {@code Proc.start} has answered or 300 ms have
	 * passed.
	 */
	private static final class HoldFirstLine extends AppenderBase<ILoggingEvent> {

		private static final Pattern LINE_PID = Pattern.compile("^\\[pid (\\d+)\\]");

		private final AtomicBoolean startAnswered;

		private final AtomicBoolean childExitedWhileHeld = new AtomicBoolean();

		private boolean first = true;

		HoldFirstLine(AtomicBoolean startAnswered) {
			this.startAnswered = startAnswered;
		}

		@Override
		protected void append(ILoggingEvent event) {
			if (!this.first) {
				return;
			}
			this.first = false;
			Matcher matcher = LINE_PID.matcher(event.getFormattedMessage());
			if (!matcher.find()) {
				return;
			}
			long pid = Long.parseLong(matcher.group(1));
			try {
				await("child " + pid + " to exit").atMost(Duration.ofSeconds(10)).until(() -> !ChildJvms.isAlive(pid));
				this.childExitedWhileHeld.set(true);
				long exited = System.nanoTime();
				await("Proc.start to answer").atMost(Duration.ofSeconds(10))
					.until(() -> this.startAnswered.get() || System.nanoTime() - exited > 300_000_000L);
			}
			catch (AssertionError ex) {
				// The test's own assertions report it.
			}
		}

	}

}
