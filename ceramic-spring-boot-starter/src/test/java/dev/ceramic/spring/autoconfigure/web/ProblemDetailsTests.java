package dev.ceramic.spring.autoconfigure.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.sun.jna.Pointer;
import dev.ceramic.pool.CallRejectedException;
import dev.ceramic.pool.PoolState;
import dev.ceramic.pool.WorkerPool;
import dev.ceramic.pool.WorkerPoolSettings;
import dev.ceramic.spring.autoconfigure.CeramicPools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The problem details that real crashes, timeouts and rejections in real worker pools
 * become, in a Spring MVC application driven with MockMvc and in a WebFlux application
 * driven with WebTestClient.
 */
class ProblemDetailsTests {

	/** What a worker writes to standard error before it crashes: a path. */
	static final String STDERR_LINE = "cannot open /var/lib/ceramic-test/secret.key";

	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(1);

	/** Crashes and hangs; waits for a replacement worker rather than rejecting. */
	private static WorkerPool hazards;

	/** One worker, which a call keeps busy, and short waits for it. */
	private static WorkerPool busy;

	/** Closed before the tests: every call is rejected at once. */
	private static WorkerPool closed;

	private static CeramicPools pools;

	@BeforeAll
	static void startPools() {
		hazards = WorkerPool
			.builder(WorkerPoolSettings.builder("hazards")
				.minWorkers(1)
				.maxWorkers(1)
				.callTimeout(CALL_TIMEOUT)
				.acquireTimeout(Duration.ofSeconds(60))
				.build())
			.service(Hazards.class, HazardsService.class)
			.build();
		busy = WorkerPool
			.builder(WorkerPoolSettings.builder("busy")
				.minWorkers(1)
				.maxWorkers(1)
				.acquireTimeout(ACQUIRE_TIMEOUT)
				.shutdownGrace(Duration.ofSeconds(1))
				.build())
			.service(Hazards.class, HazardsService.class)
			.build();
		closed = WorkerPool.builder(WorkerPoolSettings.builder("closed").minWorkers(1).maxWorkers(1).build())
			.service(Hazards.class, HazardsService.class)
			.build();
		closed.close();
		hazards.start();
		busy.start();
		assertThat(hazards.awaitReady(Duration.ofSeconds(60))).isTrue();
		assertThat(busy.awaitReady(Duration.ofSeconds(60))).isTrue();
		pools = new CeramicPools(Map.of("hazards", hazards, "busy", busy, "closed", closed));
	}

	@AfterAll
	static void closePools() {
		for (WorkerPool pool : new WorkerPool[] { hazards, busy, closed }) {
			if (pool != null) {
				pool.close();
			}
		}
	}

	private final WebApplicationContextRunner mvc = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CeramicProblemDetailsAutoConfiguration.class))
		// A manual singleton, so that closing each context leaves the shared pools
		// running.
		.withInitializer((context) -> context.getBeanFactory().registerSingleton("ceramicPools", pools))
		.withUserConfiguration(MvcApplication.class);

	private final ReactiveWebApplicationContextRunner webFlux = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CeramicProblemDetailsAutoConfiguration.class))
		.withInitializer((context) -> context.getBeanFactory().registerSingleton("ceramicPools", pools))
		.withUserConfiguration(WebFluxApplication.class);

	@Test
	void aSegfaultIsA502ThatNamesPoolPidAndSignalButShowsNoStandardErrorOrPath() {
		this.mvc.run((context) -> {
			MockMvc client = MockMvcBuilders.webAppContextSetup(context).build();
			client.perform(post("/segfault"))
				.andExpect(status().isBadGateway())
				.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
				.andExpect(jsonPath("$.type").value("https://ceramic.dev/problems/worker-crashed"))
				.andExpect(jsonPath("$.title").value("Worker crashed"))
				.andExpect(jsonPath("$.status").value(502))
				.andExpect(jsonPath("$.instance").value("/segfault"))
				.andExpect(jsonPath("$.pool").value("hazards"))
				.andExpect(jsonPath("$.signal").value("SIGSEGV"))
				.andExpect(jsonPath("$.detail").value(
						allOf(containsString("of pool 'hazards' crashed: signal SIGSEGV"), not(containsString("/")))))
				.andExpect(content().string(allOf(not(containsString(STDERR_LINE)), not(containsString("hs_err")),
						not(containsString("lastErrorLines")),
						not(containsString(System.getProperty("java.io.tmpdir"))))))
				.andDo((result) -> {
					long pid = ((Number) com.jayway.jsonpath.JsonPath.read(result.getResponse().getContentAsString(),
							"$.pid"))
						.longValue();
					assertThat(pid).isPositive().isNotEqualTo(ProcessHandle.current().pid());
					assertThat(com.jayway.jsonpath.JsonPath.<String>read(result.getResponse().getContentAsString(),
							"$.detail"))
						.isEqualTo("Worker pid " + pid + " of pool 'hazards' crashed: signal SIGSEGV");
				});
		});
	}

	@Test
	void withDiagnosticsIncludedACrashShowsStandardErrorAndTheMessage() {
		this.mvc.withPropertyValues("ceramic.problem-details.include-diagnostics=true").run((context) -> {
			MockMvc client = MockMvcBuilders.webAppContextSetup(context).build();
			client.perform(post("/segfault"))
				.andExpect(status().isBadGateway())
				.andExpect(jsonPath("$.lastErrorLines").value(org.hamcrest.Matchers.hasItem(STDERR_LINE)))
				.andExpect(jsonPath("$.message").value(containsString(STDERR_LINE)))
				.andExpect(jsonPath("$.fatalError").value(containsString("SIGSEGV")));
		});
	}

	@Test
	void aHangIsA504AtTheCallTimeout() {
		this.mvc.run((context) -> {
			MockMvc client = MockMvcBuilders.webAppContextSetup(context).build();
			client.perform(get("/sleep").param("pool", "hazards").param("millis", "60000"))
				.andExpect(status().isGatewayTimeout())
				.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
				.andExpect(jsonPath("$.type").value("https://ceramic.dev/problems/worker-timed-out"))
				.andExpect(jsonPath("$.title").value("Worker timed out"))
				.andExpect(jsonPath("$.status").value(504))
				.andExpect(jsonPath("$.pool").value("hazards"))
				.andExpect(jsonPath("$.pid").isNumber())
				.andExpect(jsonPath("$.timeoutMillis").value(CALL_TIMEOUT.toMillis()))
				.andExpect(
						jsonPath("$.detail").value(allOf(containsString("of pool 'hazards' did not complete within 2s"),
								not(containsString("Hazards.sleep")))));
		});
	}

	@Test
	void aCallThatFindsNoFreeWorkerIsA503WithRetryAfterTheAcquireTimeout() throws Exception {
		CompletableFuture<Long> holder = CompletableFuture.supplyAsync(() -> busy.proxy(Hazards.class).sleep(4000));
		try {
			await("the busy pool's worker taken").atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> busy.snapshot(false).workers().stream().anyMatch((worker) -> worker.busy()));
			this.mvc.run((context) -> {
				MockMvc client = MockMvcBuilders.webAppContextSetup(context).build();
				client.perform(get("/sleep").param("pool", "busy").param("millis", "1"))
					.andExpect(status().isServiceUnavailable())
					.andExpect(header().string("Retry-After", Long.toString(ACQUIRE_TIMEOUT.toSeconds())))
					.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
					.andExpect(jsonPath("$.type").value("https://ceramic.dev/problems/call-rejected"))
					.andExpect(jsonPath("$.title").value("No worker available"))
					.andExpect(jsonPath("$.status").value(503))
					.andExpect(jsonPath("$.pool").value("busy"))
					.andExpect(jsonPath("$.reason").value("ACQUIRE_TIMEOUT"))
					.andExpect(jsonPath("$.pid").doesNotExist())
					.andExpect(jsonPath("$.detail").value("No worker of pool 'busy' became free within 1s"));
			});
		}
		finally {
			holder.join();
		}
	}

	@Test
	void aPoolWhoseWorkersCannotStartIsA503WithRetryAfterItsLongestRestartBackoff() {
		WorkerPool failed = WorkerPool
			.builder(WorkerPoolSettings.builder("failed")
				.minWorkers(1)
				.maxWorkers(1)
				.jvmArguments(List.of("-XX:+NoSuchCeramicOption"))
				.restartBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
				.crashLoopThreshold(2)
				.build())
			.service(Hazards.class, HazardsService.class)
			.build();
		try {
			failed.start();
			await("the pool failed").atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> failed.snapshot(false).state() == PoolState.FAILED);
			CeramicPools withFailed = new CeramicPools(Map.of("failed", failed));
			new WebApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(CeramicProblemDetailsAutoConfiguration.class))
				.withInitializer((context) -> context.getBeanFactory().registerSingleton("ceramicPools", withFailed))
				.withUserConfiguration(MvcApplication.class)
				.run((context) -> MockMvcBuilders.webAppContextSetup(context)
					.build()
					.perform(get("/sleep").param("pool", "failed").param("millis", "1"))
					.andExpect(status().isServiceUnavailable())
					.andExpect(header().string("Retry-After", "2"))
					.andExpect(jsonPath("$.reason").value("POOL_FAILED"))
					.andExpect(jsonPath("$.detail").value("Workers of pool 'failed' fail to start; it keeps trying"))
					.andExpect(content().string(
							allOf(not(containsString("NoSuchCeramicOption")), not(containsString("Unrecognized"))))));
		}
		finally {
			failed.close();
		}
	}

	@Test
	void aPoolShuttingDownIsA503WithoutRetryAfter() {
		this.mvc.run((context) -> {
			MockMvc client = MockMvcBuilders.webAppContextSetup(context).build();
			client.perform(get("/sleep").param("pool", "closed").param("millis", "1"))
				.andExpect(status().isServiceUnavailable())
				.andExpect(header().doesNotExist("Retry-After"))
				.andExpect(jsonPath("$.reason").value("SHUT_DOWN"))
				.andExpect(jsonPath("$.detail").value("Pool 'closed' is shutting down"));
		});
	}

	@Test
	void theApplicationsOwnAdviceForTheseExceptionsWins() {
		this.mvc.withUserConfiguration(OwnAdvice.class).run((context) -> {
			assertThat(context).hasSingleBean(CeramicExceptionHandler.class);
			MockMvc client = MockMvcBuilders.webAppContextSetup(context).build();
			client.perform(get("/sleep").param("pool", "closed").param("millis", "1"))
				.andExpect(status().isIAmATeapot())
				.andExpect(content().string("rejected by pool closed"));
		});
	}

	@Test
	void whenTurnedOffTheExceptionReachesTheContainer() {
		this.mvc.withPropertyValues("ceramic.problem-details.enabled=false").run((context) -> {
			MockMvc client = MockMvcBuilders.webAppContextSetup(context).build();
			assertThat(org.assertj.core.api.Assertions
				.catchThrowable(() -> client.perform(get("/sleep").param("pool", "closed").param("millis", "1"))))
				.hasRootCauseInstanceOf(CallRejectedException.class);
		});
	}

	@Test
	void inWebFluxASegfaultIsA502() {
		this.webFlux.run((context) -> WebTestClient.bindToApplicationContext(context)
			.configureClient()
			.responseTimeout(Duration.ofSeconds(60))
			.build()
			.post()
			.uri("/segfault")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.BAD_GATEWAY)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://ceramic.dev/problems/worker-crashed")
			.jsonPath("$.title")
			.isEqualTo("Worker crashed")
			.jsonPath("$.instance")
			.isEqualTo("/segfault")
			.jsonPath("$.pool")
			.isEqualTo("hazards")
			.jsonPath("$.pid")
			.isNumber()
			.jsonPath("$.signal")
			.isEqualTo("SIGSEGV")
			.jsonPath("$.lastErrorLines")
			.doesNotExist()
			.jsonPath("$.detail")
			.value(String.class, (detail) -> assertThat(detail).endsWith("of pool 'hazards' crashed: signal SIGSEGV")));
	}

	@Test
	void inWebFluxAHangIsA504AndARejectionA503() {
		this.webFlux.run((context) -> {
			WebTestClient client = WebTestClient.bindToApplicationContext(context)
				.configureClient()
				.responseTimeout(Duration.ofSeconds(60))
				.build();
			client.get()
				.uri("/sleep?pool=hazards&millis=60000")
				.exchange()
				.expectStatus()
				.isEqualTo(HttpStatus.GATEWAY_TIMEOUT)
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo("https://ceramic.dev/problems/worker-timed-out")
				.jsonPath("$.pool")
				.isEqualTo("hazards")
				.jsonPath("$.pid")
				.isNumber();
			client.get()
				.uri("/sleep?pool=closed&millis=1")
				.exchange()
				.expectStatus()
				.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
				.expectBody()
				.jsonPath("$.type")
				.isEqualTo("https://ceramic.dev/problems/call-rejected")
				.jsonPath("$.reason")
				.isEqualTo("SHUT_DOWN");
		});
	}

	/**
	 * A service that crashes and hangs, in worker JVMs.
	 */
	public interface Hazards {

		void segfault();

		long sleep(long millis);

	}

	/**
	 * Its implementation: a segfault in native code, through JNA, after a line with a
	 * path on standard error; and a sleep that returns the worker's pid.
	 */
	public static class HazardsService implements Hazards {

		@Override
		public void segfault() {
			System.err.println(STDERR_LINE);
			System.err.flush();
			new Pointer(0).getInt(0);
		}

		@Override
		public long sleep(long millis) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return ProcessHandle.current().pid();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebMvc
	static class MvcApplication {

		@Bean
		HazardsController hazardsController(CeramicPools pools) {
			return new HazardsController(pools);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebFlux
	static class WebFluxApplication {

		@Bean
		ReactiveHazardsController reactiveHazardsController(CeramicPools pools) {
			return new ReactiveHazardsController(pools);
		}

	}

	@RestController
	static class HazardsController {

		private final CeramicPools pools;

		HazardsController(CeramicPools pools) {
			this.pools = pools;
		}

		@PostMapping("/segfault")
		@ResponseStatus(HttpStatus.NO_CONTENT)
		void segfault() {
			this.pools.proxy("hazards", Hazards.class).segfault();
		}

		@GetMapping("/sleep")
		long sleep(@RequestParam String pool, @RequestParam long millis) {
			return this.pools.proxy(pool, Hazards.class).sleep(millis);
		}

	}

	@RestController
	static class ReactiveHazardsController {

		private final CeramicPools pools;

		ReactiveHazardsController(CeramicPools pools) {
			this.pools = pools;
		}

		@PostMapping("/segfault")
		@ResponseStatus(HttpStatus.NO_CONTENT)
		Mono<Void> segfault() {
			return Mono.<Void>fromRunnable(() -> this.pools.proxy("hazards", Hazards.class).segfault())
				.subscribeOn(Schedulers.boundedElastic());
		}

		@GetMapping("/sleep")
		Mono<Long> sleep(@RequestParam String pool, @RequestParam long millis) {
			return Mono.fromCallable(() -> this.pools.proxy(pool, Hazards.class).sleep(millis))
				.subscribeOn(Schedulers.boundedElastic());
		}

	}

	/**
	 * An application's own advice for rejections, without any order of its own.
	 */
	@RestControllerAdvice
	static class OwnAdvice {

		@ExceptionHandler
		org.springframework.http.ResponseEntity<String> rejected(CallRejectedException ex) {
			return org.springframework.http.ResponseEntity.status(HttpStatus.I_AM_A_TEAPOT)
				.body("rejected by pool " + ex.poolName());
		}

	}

}
