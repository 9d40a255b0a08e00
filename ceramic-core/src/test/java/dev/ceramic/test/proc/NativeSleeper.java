package dev.ceramic.test.proc;

import java.nio.charset.StandardCharsets;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.ceramic.channel.Chan;
import dev.ceramic.process.ProcMain;

/**
 * A child whose main thread goes into native code and stays there: it tells the parent
 * {@link #SLEEPING}, then calls libc's {@code sleep(1000)}.
 */
public class NativeSleeper implements ProcMain {

	/** The message sent just before the native call. */
	public static final String SLEEPING = "entering libc sleep";

	@Override
	public void run(Chan chan) {
		LibC libc = Native.load("c", LibC.class);
		chan.send(SLEEPING.getBytes(StandardCharsets.UTF_8));
		libc.sleep(1000);
	}

	/** The part of libc this child uses. */
	public interface LibC extends Library {

		int sleep(int seconds);

	}

}
