package dev.ceramic.sample;

import com.sun.jna.Pointer;
import dev.ceramic.spring.OutOfProcess;

/**
 * Crashes and hangs in native code, in the workers of the {@code native} pool.
 */
@OutOfProcess(pool = "native")
public class NativeHazards implements Hazards {

	@Override
	public void segfault() {
		LibC.INSTANCE.strlen(Pointer.NULL);
	}

	@Override
	public long sleep(int seconds) {
		LibC.INSTANCE.sleep(seconds);
		return ProcessHandle.current().pid();
	}

}
