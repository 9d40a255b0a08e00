package dev.ceramic.spring.autoconfigure.web;

import java.net.URI;
import java.time.Duration;

import dev.ceramic.pool.CallRejectedException;
import dev.ceramic.pool.CallTimeoutException;
import dev.ceramic.pool.WorkerCrashedException;
import dev.ceramic.pool.WorkerPool;
import dev.ceramic.pool.WorkerPoolException;
import dev.ceramic.pool.WorkerPoolSettings;
import dev.ceramic.spring.autoconfigure.CeramicPools;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers ceramic's exceptions with RFC 9457 problem details, in Spring MVC and WebFlux
 * alike: a crashed worker is a 502, a call past its deadline a 504, a rejected call a 503
 * with {@code Retry-After}. Each problem names its pool and, when one was involved, the
 * worker's pid; its {@code detail} is safe to show anyone. The exceptions' messages hold
 * the worker's last lines of standard error and the paths of fatal error logs, so they
 * are left out unless {@code ceramic.problem-details.include-diagnostics} is set.
 * <p>
 * Ordered last, so that any handler of the application's own for these exceptions, in a
 * controller or an advice, is chosen first.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class CeramicExceptionHandler {

	/** Where the problem types live; each type is this followed by its name. */
	public static final String TYPE_BASE = "https://ceramic.dev/problems/";

	/** The type of a crashed worker's problem (502). */
	public static final URI WORKER_CRASHED = URI.create(TYPE_BASE + "worker-crashed");

	/** The type of a timed-out call's problem (504). */
	public static final URI WORKER_TIMED_OUT = URI.create(TYPE_BASE + "worker-timed-out");

	/** The type of a rejected call's problem (503). */
	public static final URI CALL_REJECTED = URI.create(TYPE_BASE + "call-rejected");

	private final CeramicPools pools;

	private final boolean includeDiagnostics;

	public CeramicExceptionHandler(CeramicPools pools, boolean includeDiagnostics) {
		this.pools = pools;
		this.includeDiagnostics = includeDiagnostics;
	}

	/**
	 * A worker died during the call, or broke the protocol and was killed.
	 * @param ex the crash
	 * @return a 502
	 */
	@ExceptionHandler
	public ResponseEntity<ProblemDetail> workerCrashed(WorkerCrashedException ex) {
		ProblemDetail problem = problem(HttpStatus.BAD_GATEWAY, WORKER_CRASHED, "Worker crashed", ex.summary(), ex);
		if (ex.signal() != null) {
			problem.setProperty("signal", ex.signal());
		}
		ex.exitStatus().ifPresent((status) -> problem.setProperty("exitStatus", status));
		if (this.includeDiagnostics) {
			problem.setProperty("lastErrorLines", ex.lastErrorLines());
			if (ex.fatalErrorSummary() != null) {
				problem.setProperty("fatalError", ex.fatalErrorSummary());
			}
		}
		return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(problem);
	}

	/**
	 * The call outlived its deadline (or its thread was interrupted); its worker was
	 * killed.
	 * @param ex the timeout
	 * @return a 504
	 */
	@ExceptionHandler
	public ResponseEntity<ProblemDetail> callTimedOut(CallTimeoutException ex) {
		String detail = "A call to worker pid " + ex.workerPid().orElse(0) + " of pool '" + ex.poolName()
				+ "' did not complete within " + format(ex.timeout()) + "; the worker was killed and will be replaced";
		ProblemDetail problem = problem(HttpStatus.GATEWAY_TIMEOUT, WORKER_TIMED_OUT, "Worker timed out", detail, ex);
		problem.setProperty("timeoutMillis", ex.timeout().toMillis());
		return ResponseEntity.status(HttpStatus.GATEWAY_TIMEOUT).body(problem);
	}

	/**
	 * The call was not run: no worker was free in time, too many calls were waiting, the
	 * pool's workers cannot start, or the pool is shutting down.
	 * @param ex the rejection
	 * @return a 503, with {@code Retry-After} unless the pool is shutting down
	 */
	@ExceptionHandler
	public ResponseEntity<ProblemDetail> callRejected(CallRejectedException ex) {
		WorkerPool pool = this.pools.get(ex.poolName());
		WorkerPoolSettings settings = (pool != null) ? pool.settings() : null;
		@Nullable Duration retryAfter = retryAfter(ex.reason(), settings);
		ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, CALL_REJECTED, "No worker available",
				rejection(ex, settings), ex);
		problem.setProperty("reason", ex.reason().name());
		ResponseEntity.BodyBuilder response = ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE);
		if (retryAfter != null) {
			response.header(HttpHeaders.RETRY_AFTER, Long.toString(wholeSeconds(retryAfter)));
		}
		return response.body(problem);
	}

	/**
	 * When a retry can expect a different answer. A call waits at most acquire-timeout,
	 * so by then every call waiting now has had a worker or been rejected; a failed pool
	 * tries to start a worker again after its longest restart back-off. A pool shutting
	 * down serves nothing again, so no time is given.
	 */
	private static @Nullable Duration retryAfter(CallRejectedException.Reason reason,
			@Nullable WorkerPoolSettings settings) {
		if (reason == CallRejectedException.Reason.SHUT_DOWN) {
			return null;
		}
		if (settings == null) {
			return Duration.ofSeconds(1);
		}
		return (reason == CallRejectedException.Reason.POOL_FAILED) ? settings.restarts().maxBackoff()
				: settings.queue().acquireTimeout();
	}

	private static String rejection(CallRejectedException ex, @Nullable WorkerPoolSettings settings) {
		String pool = "pool '" + ex.poolName() + "'";
		return switch (ex.reason()) {
			case ACQUIRE_TIMEOUT -> "No worker of " + pool + " became free"
					+ ((settings != null) ? " within " + format(settings.queue().acquireTimeout()) : "");
			case QUEUE_FULL -> "Too many calls are waiting for a worker of " + pool;
			case POOL_FAILED -> "Workers of " + pool + " fail to start; it keeps trying";
			case SHUT_DOWN -> "Pool '" + ex.poolName() + "' is shutting down";
		};
	}

	private ProblemDetail problem(HttpStatus status, URI type, String title, String detail, WorkerPoolException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(type);
		problem.setTitle(title);
		problem.setProperty("pool", ex.poolName());
		ex.workerPid().ifPresent((pid) -> problem.setProperty("pid", pid));
		if (this.includeDiagnostics) {
			problem.setProperty("message", ex.getMessage());
		}
		return problem;
	}

	/** Whole seconds, rounded up, at least one: what Retry-After can say. */
	private static long wholeSeconds(Duration duration) {
		long seconds = duration.toSeconds() + ((duration.toNanosPart() > 0) ? 1 : 0);
		return Math.max(1, seconds);
	}

	private static String format(Duration duration) {
		return (duration.toMillisPart() == 0) ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
	}

}
