package dev.ceramic.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import dev.ceramic.test.proc.ChildJvms;
import dev.ceramic.test.proc.ParentMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.ceramic.test.Waiting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A child exits soon after its parent dies, even when its main thread is stuck in native
 * code. Three processes: this test JVM, a parent JVM started with a plain
 * {@link ProcessBuilder} so that the test can SIGKILL it, and the parent's child, started
 * with {@link Proc}, blocked in libc's {@code sleep}.
 */
class ProcParentDeathTests {

	/** The numbers of nanosleep and clock_nanosleep, for the architectures we know. */
	private static final Set<String> SLEEP_SYSCALLS = switch (System.getProperty("os.arch")) {
		case "amd64", "x86_64" -> Set.of("35", "230");
		case "aarch64" -> Set.of("101", "115");
		default -> Set.of();
	};

	@Test
	@Timeout(60)
	void childExitsWithinASecondOfItsParentsSigkillWhileInNativeCode() throws Exception {
		Process parent = new ProcessBuilder(ProcOptions.currentJava().toString(), "-XX:TieredStopAtLevel=1",
				"-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), ParentMain.class.getName())
			.redirectErrorStream(true)
			.start();
		long childPid = -1;
		try {
			BlockingQueue<String> output = readLines(parent);
			childPid = awaitChildPid(parent, output);
			ProcessHandle child = ProcessHandle.of(childPid).orElseThrow();
			assertThat(child.parent().map(ProcessHandle::pid)).contains(parent.pid());
			if (!SLEEP_SYSCALLS.isEmpty()) {
				long sleeper = childPid;
				await("a thread of child " + sleeper + " in libc sleep").atMost(Duration.ofSeconds(10))
					.until(() -> inSleepSyscall(sleeper));
			}
			long start = System.nanoTime();
			parent.destroyForcibly();
			long orphan = childPid;
			await("the orphaned child to exit").atMost(Duration.ofSeconds(10)).until(() -> !ChildJvms.isAlive(orphan));
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(elapsed).isLessThan(Duration.ofSeconds(1));
		}
		finally {
			parent.destroyForcibly();
			parent.waitFor(10, TimeUnit.SECONDS);
			if (childPid > 0) {
				ChildJvms.killQuietly(childPid);
			}
		}
	}

	private static BlockingQueue<String> readLines(Process process) {
		BlockingQueue<String> lines = new LinkedBlockingQueue<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					lines.add(line);
				}
			}
			catch (IOException ex) {
				// The process is gone.
			}
		}, "proc-test-parent-output");
		reader.setDaemon(true);
		reader.start();
		return lines;
	}

	private static long awaitChildPid(Process parent, BlockingQueue<String> output) {
		StringBuilder seen = new StringBuilder();
		AtomicLong childPid = new AtomicLong(-1);
		await("the parent names its child").atMost(Duration.ofSeconds(30)).until(() -> {
			String line;
			while (childPid.get() < 0 && (line = output.poll()) != null) {
				seen.append("\n  ").append(line);
				if (line.startsWith(ParentMain.CHILD_PID)) {
					childPid.set(Long.parseLong(line.substring(ParentMain.CHILD_PID.length()).trim()));
				}
			}
			if (childPid.get() < 0 && !parent.isAlive() && output.isEmpty()) {
				fail("The parent exited with " + parent.exitValue() + " before naming its child:" + seen);
			}
			return seen.toString();
		}, (lines) -> childPid.get() > 0);
		return childPid.get();
	}

	private static boolean inSleepSyscall(long pid) {
		try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
			return tasks.anyMatch((task) -> {
				try {
					List<String> fields = List.of(Files.readString(task.resolve("syscall")).trim().split(" "));
					return SLEEP_SYSCALLS.contains(fields.get(0));
				}
				catch (IOException ex) {
					return false;
				}
			});
		}
		catch (IOException ex) {
			return false;
		}
	}

}
