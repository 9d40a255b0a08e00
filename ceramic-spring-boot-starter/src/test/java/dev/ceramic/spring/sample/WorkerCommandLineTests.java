package dev.ceramic.spring.sample;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's command-line arguments reach the worker's Spring context, and win
 * over {@code application.yml} there as they do in the application.
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

}
