package dev.ceramic.benchmarks;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The bare JVM of the start-up comparison. It is copied alone into an empty directory and
 * run as {@code java -cp DIR dev.ceramic.benchmarks.Hello}: it prints one line, then its
 * peak resident set size, and exits.
 */
public final class Hello {

	private Hello() {
	}

	public static void main(String[] args) throws IOException {
		System.out.println("hello");
		System.out.flush();
		String status;
		try (FileInputStream in = new FileInputStream("/proc/self/status")) {
			status = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		}
		for (String line : status.split("\n")) {
			if (line.startsWith("VmHWM:")) {
				System.out.println(line);
			}
		}
	}

}
