package dev.ceramic.spring.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's command-line arguments reach the worker's Spring context, and win
 * over {@code application.yml} there as they do in the application. They travel over the
 * worker's channel, so a secret among them never shows on the worker's command line.
 */
@SpringBootTest(classes = GreeterTestApplication.class, args = "--greeting.salutation=Howdy")
class WorkerCommandLineTests {

	@Autowired
	private Greeter greeter;

	@Test
	void aCommandLinePropertyOfTheApplicationIsBoundInTheWorker() {
		assertThat(this.greeter.greet("Ada")).isEqualTo("Howdy, Ada!");
		assertThat(this.greeter.pid()).isNotEqualTo(ProcessHandle.current().pid());
	}

	@Test
	void theArgumentsAreNotOnTheWorkersCommandLine() throws IOException {
		Path commandLine = Path.of("/proc", Long.toString(this.greeter.pid()), "cmdline");
		assertThat(new String(Files.readAllBytes(commandLine), StandardCharsets.UTF_8)).contains("ceramic.worker.pool")
			.doesNotContain("Howdy");
	}

}
