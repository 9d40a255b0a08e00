package dev.ceramic.test.proc;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import dev.ceramic.channel.Chan;
import dev.ceramic.process.Proc;

/**
 * The middle one of three processes: started by a test with a plain
 * {@code ProcessBuilder}, it starts a {@link NativeSleeper} child with {@link Proc},
 * waits until that child is about to enter native code, prints {@code CHILD_PID <pid>} on
 * standard output, and then waits to be killed.
 */
public final class ParentMain {

	/** The prefix of the line that gives the child's pid. */
	public static final String CHILD_PID = "CHILD_PID ";

	private ParentMain() {
	}

	public static void main(String[] args) throws Exception {
		Chan chan = Chan.open();
		Proc child = Proc.start(NativeSleeper.class, chan,
				ChildJvms.options("proc-test-grandchild").startupTimeout(Duration.ofSeconds(30)).build());
		String said = new String(chan.recv(Duration.ofSeconds(30)), StandardCharsets.UTF_8);
		if (!NativeSleeper.SLEEPING.equals(said)) {
			System.out.println("PARENT_FAILED: the child said " + said);
			child.close();
			System.exit(1);
		}
		System.out.println(CHILD_PID + child.pid());
		System.out.flush();
		new CountDownLatch(1).await();
	}

}
