package dev.ceramic.process;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.channel.PeerGoneException;
import dev.ceramic.channel.TypedReceiver;
import dev.ceramic.test.proc.ChildFacts;
import dev.ceramic.test.proc.ChildJvms;
import dev.ceramic.test.proc.Echo;
import dev.ceramic.test.proc.ExitOnCommand;
import dev.ceramic.test.proc.IgnoresClose;
import dev.ceramic.test.proc.ReportsFacts;
import org.junit.jupiter.api.Test;

import static dev.ceramic.test.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A child's pid, exit status, kill and close, on real child JVMs.
 */
class ProcLifecycleTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void pidIsTheChildsOwnPid() {
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(ReportsFacts.class, chan, ChildJvms.options("proc-life-pid").build())) {
			ChildFacts facts = TypedReceiver.over(chan, ChildFacts.class).recv(TIMEOUT);
			assertThat(proc.pid()).isEqualTo(facts.pid()).isNotEqualTo(ProcessHandle.current().pid());
		}
	}

	@Test
	void childWhoseRunReturnsExitsWithStatusZero() throws Exception {
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(ExitOnCommand.class, chan, ChildJvms.options("proc-life-return").build())) {
			assertThat(proc.isAlive()).isTrue();
			assertThat(proc.exitStatus()).isEmpty();
			chan.send("return".getBytes(StandardCharsets.UTF_8));
			assertThat(proc.waitFor(TIMEOUT)).isEqualTo(OptionalInt.of(0));
			assertThat(proc.exitStatus()).isEqualTo(OptionalInt.of(0));
			assertThat(proc.isAlive()).isFalse();
			assertThat(ExitStatus.describe(0)).isEqualTo("exit code 0");
			assertThat(proc.toString()).contains("exit code 0");
			// The child closed its end on the way out.
			assertThatExceptionOfType(ChannelClosedException.class).isThrownBy(() -> chan.recv(TIMEOUT));
		}
	}

	@Test
	void childWhoseRunThrowsExitsWithStatusOneAndSaysWhy() throws Exception {
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(ExitOnCommand.class, chan, ChildJvms.options("proc-life-throw").build())) {
			chan.send("throw".getBytes(StandardCharsets.UTF_8));
			assertThat(proc.waitFor(TIMEOUT)).isEqualTo(OptionalInt.of(1));
			assertThat(proc.exitStatus()).isEqualTo(OptionalInt.of(1));
			String cause = "java.lang.IllegalStateException: " + ExitOnCommand.FAILURE;
			await("the exception on standard error").atMost(TIMEOUT)
				.until(proc::recentErrorOutput, (lines) -> lines.contains(cause));
			assertThat(proc.recentErrorOutput())
				.contains("The entry class " + ExitOnCommand.class.getName() + " of this child process failed:");
		}
	}

	@Test
	void killEndsTheChildWithSigkill() throws Exception {
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(IgnoresClose.class, chan, ChildJvms.options("proc-life-kill").build())) {
			proc.kill();
			assertThat(proc.waitFor(TIMEOUT)).isEqualTo(OptionalInt.of(137));
			assertThat(proc.exitStatus()).isEqualTo(OptionalInt.of(137));
			assertThat(ExitStatus.signalName(137)).isEqualTo("SIGKILL");
			assertThat(ExitStatus.describe(137)).isEqualTo("signal SIGKILL (status 137)");
			assertThat(ChildJvms.isAlive(proc.pid())).isFalse();
			// The parent's end stays usable until it notices that the peer is gone.
			assertThatExceptionOfType(PeerGoneException.class).isThrownBy(() -> chan.recv(TIMEOUT))
				.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(ChannelClosedException.Reason.PEER_GONE));
		}
	}

	@Test
	void closeLetsAChildThatEndsOnChannelCloseExitByItself() throws Exception {
		Chan chan = Chan.open();
		Duration grace = Duration.ofSeconds(10);
		Proc proc = Proc.start(Echo.class, chan, ChildJvms.options("proc-life-close").closeGrace(grace).build());
		try {
			chan.send("still there?".getBytes(StandardCharsets.UTF_8));
			assertThat(chan.recv(TIMEOUT)).asString(StandardCharsets.UTF_8).isEqualTo("still there?");
			long start = System.nanoTime();
			proc.close();
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(chan.isOpen()).isFalse();
			// Status 0, not 137: Echo saw the channel close and returned; nobody killed
			// it.
			assertThat(proc.exitStatus()).isEqualTo(OptionalInt.of(0));
			assertThat(elapsed).isLessThan(grace);
			assertThat(ChildJvms.isAlive(proc.pid())).isFalse();
		}
		finally {
			proc.kill();
		}
	}

	@Test
	void closeKillsAChildThatIgnoresChannelCloseAfterTheGracePeriod() throws Exception {
		Chan chan = Chan.open();
		Duration grace = Duration.ofMillis(300);
		Proc proc = Proc.start(IgnoresClose.class, chan,
				ChildJvms.options("proc-life-stubborn").closeGrace(grace).build());
		try {
			long start = System.nanoTime();
			proc.close();
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(proc.exitStatus()).isEqualTo(OptionalInt.of(137));
			assertThat(ChildJvms.isAlive(proc.pid())).isFalse();
			assertThat(elapsed).isGreaterThanOrEqualTo(grace).isLessThan(Duration.ofSeconds(5));
			assertThat(chan.isOpen()).isFalse();
		}
		finally {
			proc.kill();
		}
	}

}
