package dev.ceramic.platform;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.newsclub.net.unix.AFSocket;
import org.newsclub.net.unix.AFSocketCapability;
import org.slf4j.LoggerFactory;

/**
 * The one home of what only some operating systems offer: each mechanism ceramic uses
 * beyond plain Java sits behind a {@link Capability} that {@link #supports(Capability)}
 * checks, so that no other class asks which system it runs on.
 *
 * <p>
 * A capability is detected once per JVM, when first asked about. When it is missing, one
 * log line says so and what ceramic does without it; the caller then takes that way.
 * Detection loads nothing it does not need: a child that only inspects its standard input
 * does not load junixsocket.
 */
public final class Platform {

	private static final Map<Capability, Boolean> detected = new ConcurrentHashMap<>();

	/** Names of the standard signals, by their numbers on Linux. */
	// 16 to 23 differ between Linux and macOS; 24 to 27 are the same on both.
	private static final @Nullable String[] SIGNALS = { null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP",
			"SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
			null, null, null, null, null, null, null, null, "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF" };

	private Platform() {
	}

	/**
	 * Whether this system offers a capability. The first call that finds it missing logs
	 * one line saying so.
	 * @param capability the capability
	 * @return whether it is there
	 */
	public static boolean supports(Capability capability) {
		Boolean known = detected.get(capability);
		return (known != null) ? known : detected.computeIfAbsent(capability, Platform::detect);
	}

	private static boolean detect(Capability capability) {
		boolean present = switch (capability) {
			case SOCKET_AS_STANDARD_INPUT -> Junixsocket.socketAsRedirect();
			case DESCRIPTOR_INSPECTION -> Files.isDirectory(Path.of("/proc/self/fd"));
			case PROCESS_MEMORY -> Files.isReadable(Path.of("/proc/self/status"));
		};
		if (!present) {
			LoggerFactory.getLogger(Platform.class)
				.info("{} is not available on {} {}; {}", capability.description, System.getProperty("os.name"),
						System.getProperty("os.arch"), capability.without);
		}
		return present;
	}

	/**
	 * Describe what this process's standard input is, as Linux's {@code /proc/self/fd/0}
	 * names it: {@code socket:[4711]} for a socket, {@code pipe:[4712]} for a pipe, or a
	 * file's path.
	 * @return the description, or empty where {@link Capability#DESCRIPTOR_INSPECTION} is
	 * missing or standard input is closed
	 */
	public static Optional<String> describeStandardInput() {
		if (!supports(Capability.DESCRIPTOR_INSPECTION)) {
			return Optional.empty();
		}
		try {
			return Optional.of(Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString());
		}
		catch (IOException | UnsupportedOperationException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Return a process's resident memory, its {@code VmRSS} in Linux's
	 * {@code /proc/<pid>/status}.
	 * @param pid the process
	 * @return the resident set size in bytes, or -1 if the process is gone or
	 * {@link Capability#PROCESS_MEMORY} is missing
	 */
	public static long residentMemory(long pid) {
		return procBytes(pid, "status", "VmRSS:");
	}

	/**
	 * Return a process's proportional set size: its resident memory with each page that
	 * other processes map too (a start-up archive's, the JDK's libraries) divided among
	 * them, which is what one more worker really costs.
	 * @param pid the process
	 * @return the PSS in bytes, or -1 if it cannot be read
	 */
	public static long proportionalMemory(long pid) {
		// smaps_rollup is there from Linux 4.14.
		return procBytes(pid, "smaps_rollup", "Pss:");
	}

	/**
	 * Read one {@code key: N kB} line of a file in {@code /proc/<pid>}, in bytes, or -1
	 * if the process is gone or the file has no such line.
	 */
	private static long procBytes(long pid, String file, String key) {
		if (!supports(Capability.PROCESS_MEMORY)) {
			return -1;
		}
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), file))) {
				if (line.startsWith(key)) {
					String[] parts = line.substring(key.length()).trim().split("\\s+");
					return Long.parseLong(parts[0]) * 1024;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// The process is gone.
		}
		return -1;
	}

	/**
	 * Find the resource that junixsocket loaded its native library from in this JVM,
	 * loading junixsocket first if nothing has yet. junixsocket names its resources by
	 * processor, operating system and compiler.
	 * @return the library, or empty if junixsocket did not load one from its own jar
	 */
	public static Optional<NativeLibrary> junixsocketLibrary() {
		return Junixsocket.library();
	}

	/**
	 * Return the name of a signal. Numbers are Linux's; elsewhere a few of them name
	 * other signals (macOS's SIGBUS is 10, Linux's SIGUSR1).
	 * @param signal the signal number, from 1
	 * @return the name, such as {@code SIGSEGV}, or "signal N" for one without a name
	 * here
	 */
	public static String signalName(int signal) {
		String name = (signal > 0 && signal < SIGNALS.length) ? SIGNALS[signal] : null;
		return (name != null) ? name : "signal " + signal;
	}

	/**
	 * A mechanism that only some systems offer.
	 */
	public enum Capability {

		/**
		 * Handing an AF_UNIX socket to a child process as its standard input
		 * (junixsocket's {@code CAPABILITY_FD_AS_REDIRECT}). Linux and macOS; without it
		 * no child process can be started.
		 */
		SOCKET_AS_STANDARD_INPUT("Handing a socket to a child process as its standard input",
				"child processes cannot be started"),

		/**
		 * Seeing what a descriptor of this process is, through Linux's
		 * {@code /proc/self/fd}. Linux only; elsewhere a child whose standard input is
		 * not a channel's socket learns so only at its channel's first call that needs
		 * junixsocket.
		 */
		DESCRIPTOR_INSPECTION("/proc/self/fd",
				"a child whose standard input is not a channel learns so only when junixsocket has loaded"),

		/**
		 * Reading a process's resident memory from Linux's {@code /proc/<pid>/status}.
		 * Linux only; elsewhere the memory of workers is not measured.
		 */
		PROCESS_MEMORY("/proc/<pid>/status", "the resident memory of workers is not measured");

		private final String description;

		private final String without;

		Capability(String description, String without) {
			this.description = description;
			this.without = without;
		}

	}

	/**
	 * A native library packaged as a resource.
	 *
	 * @param resource where it is
	 * @param fileName its file name, as {@code System.loadLibrary} expects it
	 */
	public record NativeLibrary(URL resource, String fileName) {
	}

	/** The checks that need junixsocket, loaded only when one is asked for. */
	private static final class Junixsocket {

		static Optional<NativeLibrary> library() {
			if (!AFSocket.supports(AFSocketCapability.CAPABILITY_UNIX_DOMAIN)) {
				return Optional.empty();
			}
			// For example "junixsocket-native-common/junixsocket-native-2.11.1".
			String loaded = AFSocket.getLoadedLibrary();
			if (loaded == null || loaded.indexOf('/') < 0) {
				return Optional.empty();
			}
			String fileName = System.mapLibraryName(loaded.substring(loaded.lastIndexOf('/') + 1));
			String platform = resourceName(System.getProperty("os.arch", "")) + "-"
					+ resourceName(System.getProperty("os.name", ""));
			ClassLoader loader = Objects.requireNonNullElse(AFSocket.class.getClassLoader(),
					ClassLoader.getSystemClassLoader());
			for (String compiler : List.of("clang", "gcc")) {
				URL resource = loader.getResource("lib/" + platform + "-" + compiler + "/jni/" + fileName);
				if (resource != null) {
					return Optional.of(new NativeLibrary(resource, fileName));
				}
			}
			return Optional.empty();
		}

		/** The way junixsocket names a system property in its resource paths. */
		private static String resourceName(String property) {
			return property.replaceAll("[ /\\\\'\";:$]", "");
		}

		static boolean socketAsRedirect() {
			return AFSocket.supports(AFSocketCapability.CAPABILITY_FD_AS_REDIRECT);
		}

	}

}
