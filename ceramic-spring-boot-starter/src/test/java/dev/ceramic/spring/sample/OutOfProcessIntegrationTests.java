package dev.ceramic.spring.sample;

import dev.ceramic.pool.WorkerCrashedException;
import dev.ceramic.spring.autoconfigure.CeramicPools;
import dev.ceramic.spring.autoconfigure.actuate.CeramicEndpoint;
import dev.ceramic.spring.autoconfigure.actuate.CeramicEndpoint.PoolDescriptor;
import dev.ceramic.spring.autoconfigure.actuate.PoolHealthIndicator;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
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

	@Autowired
	@Qualifier("ceramicHealthContributor")
	private CompositeHealthContributor health;

	@Autowired
	private CeramicEndpoint endpoint;

	@Autowired
	private MeterRegistry meters;

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
	void aCrashedWorkerFailsOnlyItsCallIsReplacedAndShowsInHealthEndpointAndMetrics() {
		long pid = this.greeter.pid();
		assertThatExceptionOfType(WorkerCrashedException.class).isThrownBy(this.greeter::crash)
			.withMessageContaining("exit code 7")
			.withMessageContaining("greeting");
		assertThat(this.greeter.greet("again")).isEqualTo("Hello, again!");
		assertThat(this.greeter.pid()).isNotEqualTo(pid);
		assertThat(this.pools.get("greeting").snapshot().crashes()).isGreaterThanOrEqualTo(1);

		Health health = ((HealthIndicator) this.health.getContributor("greeting")).health();
		assertThat(health.getStatus()).isIn(Status.UP, PoolHealthIndicator.DEGRADED);
		assertThat(health.getDetails()).containsEntry("workers", 1).containsKey("lastCrash");
		assertThat((long) health.getDetails().get("crashes")).isGreaterThanOrEqualTo(1);

		PoolDescriptor pool = this.endpoint.pools(SecurityContext.NONE).pools().get("greeting");
		assertThat(pool.crashes()).isGreaterThanOrEqualTo(1);
		assertThat(pool.workers()).singleElement().satisfies((worker) -> {
			assertThat(worker.pid()).isEqualTo(this.greeter.pid());
			assertThat(worker.residentMemoryBytes()).isPositive();
			assertThat(worker.proportionalMemoryBytes()).isPositive().isLessThanOrEqualTo(worker.residentMemoryBytes());
			assertThat(worker.startupMillis()).isPositive();
			assertThat(worker.callsServed()).isPositive();
		});

		assertThat(this.meters.get("ceramic.calls").tag("outcome", "crash").tag("method", "crash").timer().count())
			.isGreaterThanOrEqualTo(1);
		assertThat(this.meters.get("ceramic.calls").tag("outcome", "success").tag("method", "greet").timer().count())
			.isGreaterThanOrEqualTo(1);
		assertThat(this.meters.get("ceramic.worker.crashes").tag("pool", "greeting").functionCounter().count())
			.isGreaterThanOrEqualTo(1);
		assertThat(this.meters.get("ceramic.workers").tag("pool", "greeting").tag("state", "idle").gauge().value())
			.isEqualTo(1);
	}

}
