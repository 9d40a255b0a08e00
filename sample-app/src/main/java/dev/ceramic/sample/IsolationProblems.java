package dev.ceramic.sample;

import java.net.URI;

import dev.ceramic.pool.CallRejectedException;
import dev.ceramic.pool.CallTimeoutException;
import dev.ceramic.pool.WorkerPoolException;
import dev.ceramic.pool.WorkerCrashedException;
import dev.ceramic.sample.Resolver.UnknownHostException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns ceramic's exceptions into RFC 9457 problem details: a crashed worker is a 502, a
 * call past its deadline a 504, a saturated or failed pool a 503.
 */
@RestControllerAdvice
class IsolationProblems {

	@ExceptionHandler
	ProblemDetail crashed(WorkerCrashedException ex) {
		ProblemDetail problem = problem(HttpStatus.BAD_GATEWAY, "Worker crashed", "worker-crashed", ex);
		ex.exitStatus().ifPresent((status) -> problem.setProperty("exitStatus", status));
		if (ex.signal() != null) {
			problem.setProperty("signal", ex.signal());
		}
		if (ex.fatalErrorSummary() != null) {
			problem.setProperty("fatalError", ex.fatalErrorSummary());
		}
		return problem;
	}

	@ExceptionHandler
	ProblemDetail timedOut(CallTimeoutException ex) {
		ProblemDetail problem = problem(HttpStatus.GATEWAY_TIMEOUT, "Worker timed out", "worker-timed-out", ex);
		problem.setProperty("timeoutMillis", ex.timeout().toMillis());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail rejected(CallRejectedException ex) {
		ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "No worker available", "call-rejected", ex);
		problem.setProperty("reason", ex.reason());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail unknownHost(UnknownHostException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
		problem.setTitle("Unknown host");
		return problem;
	}

	private static ProblemDetail problem(HttpStatus status, String title, String type, WorkerPoolException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
		problem.setTitle(title);
		problem.setType(URI.create("https://ceramic.dev/problems/" + type));
		problem.setProperty("pool", ex.poolName());
		ex.workerPid().ifPresent((pid) -> problem.setProperty("workerPid", pid));
		return problem;
	}

}
