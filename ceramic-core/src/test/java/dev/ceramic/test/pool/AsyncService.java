package dev.ceramic.test.pool;

import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.ceramic.pool.CallTimeout;
import dev.ceramic.test.channel.TypedPoint;
import reactor.core.publisher.Mono;

/**
 * A service whose methods return futures and {@code Mono}s, for the tests of asynchronous
 * calls. Its implementation counts the calls it gets, so that a test can tell whether a
 * call reached the worker.
 */
public interface AsyncService {

	/** The timeout of {@link #never()}, shorter than the pool's. */
	long HANG_TIMEOUT_MILLIS = 1000;

	/**
	 * Return a future completed at once.
	 * @param value a value
	 * @return {@code value + "!"}
	 */
	CompletableFuture<String> echo(String value);

	/**
	 * Return a stage that another thread of the worker completes later, so that the
	 * worker has to wait for it.
	 * @param count how many points
	 * @return the points {@code p0 (0, 0)}, {@code p1 (1, 2)}, ...
	 */
	CompletionStage<List<TypedPoint>> pointsLater(int count);

	/**
	 * Return a future of nothing.
	 * @return a future completed with {@code null}
	 */
	CompletableFuture<Void> nothing();

	/**
	 * Return a future that fails later with a checked exception the method declares.
	 * @param host a host name, in the message
	 * @return never a value
	 * @throws UnknownHostException never directly
	 */
	CompletableFuture<List<String>> resolveFails(String host) throws UnknownHostException;

	/**
	 * Throw instead of returning a future.
	 * @param message the message of the {@code IllegalStateException}
	 * @return never
	 */
	CompletableFuture<Long> throwAtOnce(String message);

	/**
	 * Read address 0 through JNA before returning a future.
	 * @return never
	 */
	CompletableFuture<Integer> segfault();

	/**
	 * Return a future that never completes.
	 * @return never
	 */
	@CallTimeout(millis = HANG_TIMEOUT_MILLIS)
	CompletableFuture<Long> never();

	/**
	 * Return a future that completes once a file exists.
	 * @param path the file
	 * @return the worker's pid
	 */
	CompletableFuture<Long> awaitFile(String path);

	/**
	 * Return the worker's pid.
	 * @return the pid, as a {@code Mono}
	 */
	Mono<Long> monoPid();

	/**
	 * Read address 0 through JNA within the {@code Mono}.
	 * @return never
	 */
	Mono<Integer> monoSegfault();

	/**
	 * Return a {@code Mono} that completes once a file exists.
	 * @param path the file
	 * @return the worker's pid
	 */
	Mono<Long> monoAwaitFile(String path);

	/**
	 * Return how many calls this worker has had, this one not counted.
	 * @return the count
	 */
	long calls();

	/**
	 * Return the worker's pid, blocking.
	 * @return the pid
	 */
	long pid();

}
