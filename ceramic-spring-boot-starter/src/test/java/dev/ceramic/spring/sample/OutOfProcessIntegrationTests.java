package dev.ceramic.spring.sample;

import dev.ceramic.pool.WorkerCrashedException;
import dev.ceramic.spring.autoconfigure.CeramicPools;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An application context with real worker JVMs behind an injected {@code @OutOfProcess}
 * bean.
 */
@SpringBootTest(classes = GreeterTestApplication.class)
@ActiveProfiles("integration")
class OutOfProcessIntegrationTests {

	@Autowired
	private Greeter greeter;

	@Autowired
	private CeramicPools pools;

	@Test
	void theInjectedBeanCallsAWorkerWhoseContextHasTheApplicationsEnvironment() {
		assertThat(this.greeter.greet("Ada")).isEqualTo("Hello, Ada!");
		assertThat(this.greeter.pid()).isNotEqualTo(ProcessHandle.current().pid());
		assertThat(this.greeter.activeProfiles()).isEqualTo("[integration]");
	}

	@Test
	void theApplicationNeverInitializesTheImplementationClass() {
		assertThat(this.greeter.initializedIn()).isEqualTo(Long.toString(this.greeter.pid()));
		assertThat(System.getProperty("ceramic.test.greeter-service.initialized-in")).isNull();
	}

	@Test
	void aCrashedWorkerFailsOnlyItsCallAndIsReplaced() {
		long pid = this.greeter.pid();
		assertThatExceptionOfType(WorkerCrashedException.class).isThrownBy(this.greeter::crash)
			.withMessageContaining("exit code 7")
			.withMessageContaining("greeting");
		assertThat(this.greeter.greet("again")).isEqualTo("Hello, again!");
		assertThat(this.greeter.pid()).isNotEqualTo(pid);
		assertThat(this.pools.get("greeting").snapshot().crashes()).isGreaterThanOrEqualTo(1);
	}

}
