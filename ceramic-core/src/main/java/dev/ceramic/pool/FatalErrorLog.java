package dev.ceramic.pool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Reads the one-line summary of a JVM fatal error log ({@code hs_err_pid<pid>.log}): the
 * signal and the problematic frame, for example
 * {@code SIGSEGV (0xb) at pc=0x00007f..., problematic frame: C [libc.so.6+0x15b3c5]}.
 */
final class FatalErrorLog {

	private FatalErrorLog() {
	}

	/**
	 * Return the path where a worker's JVM writes its fatal error log.
	 * @param directory the pool's directory for such logs
	 * @return the pattern for {@code -XX:ErrorFile}
	 */
	static String errorFilePattern(Path directory) {
		return directory.resolve("hs_err_pid%p.log").toString();
	}

	static Path errorFile(Path directory, long pid) {
		return directory.resolve("hs_err_pid" + pid + ".log");
	}

	/**
	 * Summarise a worker's fatal error log, if it wrote one.
	 * @param directory the pool's directory for such logs
	 * @param pid the worker's pid
	 * @return the summary, or {@code null} when there is no log
	 */
	static @Nullable String summary(Path directory, long pid) {
		Path file = errorFile(directory, pid);
		if (!Files.isRegularFile(file)) {
			return null;
		}
		List<String> lines;
		try {
			lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			return null;
		}
		String error = null;
		String frame = null;
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			if (error == null && line.startsWith("#  ") && line.contains(" at pc=")) {
				error = line.substring(1).trim();
			}
			if (frame == null && line.startsWith("# Problematic frame:") && i + 1 < lines.size()) {
				frame = lines.get(i + 1).substring(1).trim();
			}
		}
		if (error == null && frame == null) {
			return "the JVM wrote a fatal error log: " + file;
		}
		StringBuilder summary = new StringBuilder();
		if (error != null) {
			summary.append(error);
		}
		if (frame != null) {
			summary.append((summary.length() > 0) ? ", problematic frame: " : "problematic frame: ").append(frame);
		}
		return summary.append(" (").append(file).append(')').toString();
	}

}
