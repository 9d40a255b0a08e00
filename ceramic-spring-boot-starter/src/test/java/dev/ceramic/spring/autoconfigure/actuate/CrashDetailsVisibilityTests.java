package dev.ceramic.spring.autoconfigure.actuate;

import java.security.Principal;
import java.time.Duration;
import java.util.Map;

import dev.ceramic.pool.PoolSnapshot;
import dev.ceramic.pool.WorkerCrashedException;
import dev.ceramic.pool.WorkerPool;
import dev.ceramic.pool.WorkerPoolSettings;
import dev.ceramic.spring.autoconfigure.CeramicPools;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.ApiVersion;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointWebExtension;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What the health endpoint and the {@code ceramic} endpoint show of a real crash, whose
 * message holds the worker's last line of standard error, under each show-details
 * setting. One pool, crashed once, serves every test: its last crash stays.
 */
class CrashDetailsVisibilityTests {

	/** What the worker writes to standard error before it dies: a path. */
	static final String STDERR_LINE = "cannot open /var/lib/ceramic-test/secret.key";

	private static WorkerPool pool;

	private static long crashedPid;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(CeramicActuatorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
						HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
		// A manual singleton, so that closing each context leaves the shared pool
		// running.
		.withInitializer((context) -> context.getBeanFactory()
			.registerSingleton("ceramicPools", new CeramicPools(Map.of(pool.name(), pool))))
		.withPropertyValues("management.endpoints.web.exposure.include=health,ceramic");

	@BeforeAll
	static void crashAWorker() {
		pool = WorkerPool.builder(WorkerPoolSettings.builder("crashy").minWorkers(1).maxWorkers(1).build())
			.service(Crasher.class, CrasherService.class)
			.build();
		pool.start();
		assertThat(pool.awaitReady(Duration.ofSeconds(60))).isTrue();
		WorkerCrashedException crash = catchThrowableOfType(WorkerCrashedException.class,
				() -> pool.proxy(Crasher.class).crash());
		assertThat(crash.getMessage()).as("the crash message, as a cause for these tests").contains(STDERR_LINE);
		crashedPid = crash.workerPid().orElseThrow();
		PoolSnapshot snapshot = pool.snapshot(false);
		assertThat(snapshot.lastCrash()).contains(STDERR_LINE);
	}

	@AfterAll
	static void closePool() {
		if (pool != null) {
			pool.close();
		}
	}

	@Test
	void byDefaultTheEndpointShowsCountsButNeitherTheLastCrashNorLastErrors() {
		this.contextRunner.run((context) -> {
			CeramicEndpoint.PoolDescriptor crashy = context.getBean(CeramicEndpoint.class)
				.pools(SecurityContext.NONE)
				.pools()
				.get("crashy");
			assertThat(crashy.crashes()).isEqualTo(1);
			assertThat(crashy.lastCrash()).isNull();
			assertThat(crashy.workers()).allSatisfy((worker) -> assertThat(worker.lastError()).isNull());
			assertThat(crashy.toString()).doesNotContain(STDERR_LINE).doesNotContain("/");
		});
	}

	@Test
	void whenShowDetailsIsNeverTheEndpointHidesTheLastCrashEvenFromAnAuthorizedUser() {
		this.contextRunner.withPropertyValues("management.endpoint.ceramic.show-details=never")
			.run((context) -> assertThat(
					context.getBean(CeramicEndpoint.class).pools(admin()).pools().get("crashy").lastCrash())
				.isNull());
	}

	@Test
	void whenShowDetailsIsAlwaysTheEndpointShowsTheLastCrash() {
		this.contextRunner.withPropertyValues("management.endpoint.ceramic.show-details=always")
			.run((context) -> assertThat(context.getBean(CeramicEndpoint.class)
				.pools(SecurityContext.NONE)
				.pools()
				.get("crashy")
				.lastCrash()).contains(STDERR_LINE).contains("pid " + crashedPid));
	}

	@Test
	void whenShowDetailsIsWhenAuthorizedOnlyAUserInARoleSeesTheLastCrash() {
		this.contextRunner
			.withPropertyValues("management.endpoint.ceramic.show-details=when-authorized",
					"management.endpoint.ceramic.roles=OPS")
			.run((context) -> {
				CeramicEndpoint endpoint = context.getBean(CeramicEndpoint.class);
				assertThat(endpoint.pools(SecurityContext.NONE).pools().get("crashy").lastCrash())
					.as("anonymous, or over JMX")
					.isNull();
				assertThat(endpoint.pools(user("guest")).pools().get("crashy").lastCrash()).as("not in OPS").isNull();
				assertThat(endpoint.pools(admin()).pools().get("crashy").lastCrash()).as("in OPS")
					.contains(STDERR_LINE);
			});
	}

	@Test
	void whenShowDetailsIsWhenAuthorizedWithoutRolesAnyAuthenticatedUserSeesTheLastCrash() {
		this.contextRunner.withPropertyValues("management.endpoint.ceramic.show-details=when-authorized")
			.run((context) -> {
				CeramicEndpoint endpoint = context.getBean(CeramicEndpoint.class);
				assertThat(endpoint.pools(SecurityContext.NONE).pools().get("crashy").lastCrash()).isNull();
				assertThat(endpoint.pools(user("guest")).pools().get("crashy").lastCrash()).contains(STDERR_LINE);
			});
	}

	@Test
	void aHiddenWorkerDescriptorHasNoLastError() {
		PoolSnapshot.WorkerSnapshot worker = new PoolSnapshot.WorkerSnapshot(42, false, 1, -1, -1,
				Duration.ofMillis(300), Duration.ofSeconds(3), STDERR_LINE);
		assertThat(CeramicEndpoint.WorkerDescriptor.of(worker, false).lastError()).isNull();
		assertThat(CeramicEndpoint.WorkerDescriptor.of(worker, true).lastError()).isEqualTo(STDERR_LINE);
	}

	@Test
	void byDefaultHealthOverTheWebShowsNothingOfTheLastCrash() {
		this.contextRunner.run((context) -> {
			HealthEndpointWebExtension health = webExtension(context);
			assertHidden(webHealth(health, SecurityContext.NONE));
			assertHidden(webHealth(health, admin()));
		});
	}

	@Test
	void whenHealthShowsComponentsButNotDetailsThePoolsStatusIsShownWithoutTheLastCrash() {
		this.contextRunner.withPropertyValues("management.endpoint.health.show-components=always").run((context) -> {
			HealthDescriptor health = webHealth(webExtension(context), admin());
			assertThat(health).isInstanceOf(IndicatedHealthDescriptor.class);
			assertThat(health.getStatus()).isNotNull();
			assertThat(((IndicatedHealthDescriptor) health).getDetails()).isNullOrEmpty();
		});
	}

	@Test
	void whenHealthShowsDetailsAlwaysTheLastCrashIsShown() {
		this.contextRunner.withPropertyValues("management.endpoint.health.show-details=always")
			.run((context) -> assertThat(lastCrash(webHealth(webExtension(context), SecurityContext.NONE)))
				.contains(STDERR_LINE));
	}

	@Test
	void whenHealthShowsDetailsWhenAuthorizedOnlyAnAuthenticatedUserSeesTheLastCrash() {
		this.contextRunner.withPropertyValues("management.endpoint.health.show-details=when-authorized")
			.run((context) -> {
				HealthEndpointWebExtension health = webExtension(context);
				assertHidden(webHealth(health, SecurityContext.NONE));
				assertThat(lastCrash(webHealth(health, user("guest")))).contains(STDERR_LINE);
			});
	}

	/**
	 * Spring Boot's health endpoint over JMX shows every detail whatever show-details
	 * says (JMX is off unless {@code spring.jmx.enabled=true}).
	 */
	@Test
	void healthOverJmxShowsTheLastCrashWhateverShowDetailsSays() {
		this.contextRunner.run((context) -> assertThat(
				lastCrash(context.getBean(HealthEndpoint.class).healthForPath("ceramic", "crashy")))
			.contains(STDERR_LINE));
	}

	private static void assertHidden(@Nullable HealthDescriptor health) {
		// Hidden components answer 404 (no descriptor); shown ones carry no details.
		if (health != null) {
			assertThat(health).isInstanceOf(IndicatedHealthDescriptor.class);
			assertThat(((IndicatedHealthDescriptor) health).getDetails()).isNullOrEmpty();
		}
	}

	private static String lastCrash(@Nullable HealthDescriptor health) {
		assertThat(health).isInstanceOf(IndicatedHealthDescriptor.class);
		Map<String, Object> details = ((IndicatedHealthDescriptor) health).getDetails();
		assertThat(details).containsKey("lastCrash");
		return (String) details.get("lastCrash");
	}

	/**
	 * Boot's web extension of the health endpoint, as its auto-configuration makes it in
	 * a web application, with the groups (and so the show-details) configured here.
	 */
	private static HealthEndpointWebExtension webExtension(AssertableApplicationContext context) {
		return new HealthEndpointWebExtension(context.getBean(HealthContributorRegistry.class),
				context.getBeanProvider(ReactiveHealthContributorRegistry.class).getIfAvailable(),
				context.getBean(HealthEndpointGroups.class), Duration.ofSeconds(10));
	}

	private static @Nullable HealthDescriptor webHealth(HealthEndpointWebExtension health,
			SecurityContext securityContext) {
		return health.health(ApiVersion.LATEST, WebServerNamespace.SERVER, securityContext, "ceramic", "crashy")
			.getBody();
	}

	private static SecurityContext admin() {
		return user("admin", "OPS");
	}

	private static SecurityContext user(String name, String... roles) {
		Principal principal = () -> name;
		return new SecurityContext() {

			@Override
			public Principal getPrincipal() {
				return principal;
			}

			@Override
			public boolean isUserInRole(String role) {
				return java.util.List.of(roles).contains(role);
			}

		};
	}

	/**
	 * A service that dies during its call.
	 */
	public interface Crasher {

		void crash();

	}

	/**
	 * Its implementation: it writes a line with a path to standard error, then halts.
	 */
	public static class CrasherService implements Crasher {

		@Override
		public void crash() {
			System.err.println(STDERR_LINE);
			System.err.flush();
			Runtime.getRuntime().halt(3);
		}

	}

}
