package dev.ceramic.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.ceramic.channel.Chan;
import dev.ceramic.test.proc.Echo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StartupCacheTests {

	private static final String OVERRIDE = "-D" + StartupCache.LIBRARY_OVERRIDE + "=";

	@Test
	void offMeansNoExtraArguments() {
		assertThat(StartupCache.jvmArguments(ProcOptions.builder().startupCache(false).build())).isEmpty();
	}

	@Test
	void childrenGetTheParentsNativeLibraryAndStartWithIt() {
		startEcho(ProcOptions.defaults());
		List<String> arguments = StartupCache.jvmArguments(ProcOptions.defaults());
		assertThat(arguments).anySatisfy((argument) -> {
			assertThat(argument).startsWith(OVERRIDE);
			assertThat(Files.isRegularFile(Path.of(argument.substring(OVERRIDE.length())))).isTrue();
		});
	}

	@Test
	void aClasspathWithDirectoriesGetsNoClassDataSharingArchive() {
		// The test classpath holds target/classes, which CDS refuses.
		ProcOptions options = ProcOptions.builder().launchMode(LaunchMode.currentClasspath()).build();
		startEcho(options);
		assertThat(StartupCache.jvmArguments(options)).noneMatch((argument) -> argument.contains("SharedArchive"));
	}

	@Test
	void theCallersOwnLibraryOverrideWins() {
		ProcOptions options = ProcOptions.builder()
			.systemProperty(StartupCache.LIBRARY_OVERRIDE, "/nonexistent/libjunixsocket-native.so")
			.build();
		assertThat(StartupCache.jvmArguments(options)).noneMatch((argument) -> argument.startsWith(OVERRIDE));
	}

	@Test
	void theCallersOwnSharingOptionsWin() {
		ProcOptions options = ProcOptions.builder()
			.launchMode(LaunchMode.classpath(System.getProperty("java.class.path")))
			.jvmArguments("-Xshare:off")
			.build();
		assertThat(StartupCache.jvmArguments(options)).noneMatch((argument) -> argument.contains("SharedArchive"));
	}

	private static void startEcho(ProcOptions options) {
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(Echo.class, chan, options)) {
			chan.send(new byte[] { 1 });
			assertThat(chan.recv()).containsExactly(1);
		}
	}

}
