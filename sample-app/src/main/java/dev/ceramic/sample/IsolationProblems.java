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
 * call past its deadline a 504, a saturated or failed pool a 503. A problem tells what
 * happened to which pool and worker, never the exception's message: that holds the
 * worker's last lines of standard error and the paths of fatal error logs, which are for
 * the logs and {@code /actuator/ceramic}, not for clients.
 */
@RestControllerAdvice
class IsolationProblems {

	@ExceptionHandler
	ProblemDetail crashed(WorkerCrashedException ex) {
		ProblemDetail problem = problem(HttpStatus.BAD_GATEWAY, "Worker crashed", "worker-crashed", ex.summary(), ex);
		ex.exitStatus().ifPresent((status) -> problem.setProperty("exitStatus", status));
		if (ex.signal() != null) {
			problem.setProperty("signal", ex.signal());
		}
		return problem;
	}

	@ExceptionHandler
	ProblemDetail timedOut(CallTimeoutException ex) {
		ProblemDetail problem = problem(HttpStatus.GATEWAY_TIMEOUT, "Worker timed out", "worker-timed-out",
				"A call in pool '" + ex.poolName() + "' did not complete within " + ex.timeout().toMillis()
						+ " ms; its worker was replaced",
				ex);
		problem.setProperty("timeoutMillis", ex.timeout().toMillis());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail rejected(CallRejectedException ex) {
		// The message of a rejection for a failed pool holds the start failure's standard
		// error.
		ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "No worker available", "call-rejected",
				"Pool '" + ex.poolName() + "' rejected the call: " + ex.reason(), ex);
		problem.setProperty("reason", ex.reason());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail unknownHost(UnknownHostException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
		problem.setTitle("Unknown host");
		return problem;
	}

	private static ProblemDetail problem(HttpStatus status, String title, String type, String detail,
			WorkerPoolException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		problem.setType(URI.create("https://ceramic.dev/problems/" + type));
		problem.setProperty("pool", ex.poolName());
		ex.workerPid().ifPresent((pid) -> problem.setProperty("workerPid", pid));
		return problem;
	}

}
