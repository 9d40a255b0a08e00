package dev.ceramic.process;

import dev.ceramic.platform.Platform;
import org.jspecify.annotations.Nullable;

/**
 * Turns a child's exit status into words. The JDK reports a child killed by signal
 * {@code n} as status {@code 128 + n}, the shell's convention.
 */
public final class ExitStatus {

	private ExitStatus() {
	}

	/**
	 * Return the name of the signal that killed a process with this status, if any.
	 * @param status the exit status
	 * @return the signal name, such as {@code SIGSEGV}, or {@code null} for a normal exit
	 */
	public static @Nullable String signalName(int status) {
		int signal = status - 128;
		if (signal <= 0 || signal > 64) {
			return null;
		}
		return Platform.signalName(signal);
	}

	/**
	 * Describe an exit status, for example "exit code 3" or "signal SIGSEGV (status
	 * 139)".
	 * @param status the exit status
	 * @return the description
	 */
	public static String describe(int status) {
		String signal = signalName(status);
		return (signal != null) ? "signal " + signal + " (status " + status + ")" : "exit code " + status;
	}

}
