package dev.ceramic.test.proc;

import java.util.Map;

/**
 * What a {@link ReportsFacts} child tells about itself.
 *
 * @param pid its own pid, from {@code ProcessHandle.current()}
 * @param maxMemory {@code Runtime.maxMemory()}
 * @param javaFeatureVersion {@code Runtime.version().feature()}
 * @param javaHome the {@code java.home} property
 * @param workingDirectory its working directory, as an absolute path
 * @param environment its environment variables
 * @param systemProperties its system properties
 */
public record ChildFacts(long pid, long maxMemory, int javaFeatureVersion, String javaHome, String workingDirectory,
		Map<String, String> environment, Map<String, String> systemProperties) {

}
