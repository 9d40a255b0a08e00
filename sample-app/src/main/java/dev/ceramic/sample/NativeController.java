package dev.ceramic.sample;

import java.util.List;
import java.util.Map;

import dev.ceramic.sample.Resolver.Resolution;
import dev.ceramic.sample.Resolver.UnknownHostException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Calls the native services. Each call runs in a worker JVM, so whatever the native code
 * does costs at most one worker. The starter answers those failures with problem details
 * (a crash 502, a hang 504, no free worker 503); only the resolver's own exception is
 * handled here.
 */
@RestController
class NativeController {

	private final Resolver resolver;

	private final Hazards hazards;

	NativeController(Resolver resolver, Hazards hazards) {
		this.resolver = resolver;
		this.hazards = hazards;
	}

	@GetMapping("/resolve")
	Resolved resolve(@RequestParam String host) throws UnknownHostException {
		long start = System.nanoTime();
		Resolution resolution = this.resolver.resolve(host);
		return new Resolved(resolution.host(), resolution.addresses(), resolution.workerPid(),
				(System.nanoTime() - start) / 1_000_000.0);
	}

	@PostMapping("/crash")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void crash() {
		this.hazards.segfault();
	}

	@GetMapping("/hang")
	Map<String, Object> hang(@RequestParam(defaultValue = "30") int seconds) {
		return Map.of("workerPid", this.hazards.sleep(seconds));
	}

	@ExceptionHandler
	ProblemDetail unknownHost(UnknownHostException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
		problem.setTitle("Unknown host");
		return problem;
	}

	/**
	 * The answer of {@code /resolve}, its fields always in this order (a {@code Map.of}
	 * would order them differently in each run).
	 *
	 * @param host the name
	 * @param addresses its addresses
	 * @param workerPid the pid of the worker that resolved it
	 * @param tookMillis how long the call took, as the application saw it
	 */
	record Resolved(String host, List<String> addresses, long workerPid, double tookMillis) {

	}

}
