package dev.ceramic.spring.sample;

import java.time.Duration;

import dev.ceramic.pool.PoolSnapshot;
import dev.ceramic.spring.autoconfigure.CeramicPools;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * In a reactive application, a blocking method of an {@code @OutOfProcess} bean called on
 * a non-blocking thread (an event loop of WebFlux; here one of
 * {@link Schedulers#parallel()}, which Reactor marks the same way) fails at once with a
 * message saying what to do, and sends nothing; on a thread that may block, it works.
 */
@SpringBootTest(classes = GreeterTestApplication.class)
@ActiveProfiles("integration")
class NonBlockingThreadTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	@Autowired
	private Greeter greeter;

	@Autowired
	private CeramicPools pools;

	@Test
	void aBlockingMethodCalledOnANonBlockingThreadFailsAtOnceWithWhatToDo() {
		long served = callsServed();
		assertThatIllegalStateException()
			.isThrownBy(() -> Mono.fromCallable(() -> this.greeter.greet("loop"))
				.subscribeOn(Schedulers.parallel())
				.block(PATIENCE))
			.withMessageContaining("Greeter.greet(String) of pool 'greeting' blocks until a worker answers")
			.withMessageContaining("non-blocking thread 'parallel-")
			.withMessageContaining("return Mono<T> or CompletableFuture<T>")
			.withMessageContaining("Schedulers.boundedElastic()");
		assertThat(callsServed()).as("calls the workers served").isEqualTo(served);
	}

	private long callsServed() {
		return this.pools.get("greeting")
			.snapshot(false)
			.workers()
			.stream()
			.mapToLong(PoolSnapshot.WorkerSnapshot::callsServed)
			.sum();
	}

	@Test
	void onAThreadThatMayBlockTheSameCallWorks() {
		assertThat(Mono.fromCallable(() -> this.greeter.greet("elastic"))
			.subscribeOn(Schedulers.boundedElastic())
			.block(PATIENCE)).isEqualTo("Hello, elastic!");
	}

}
