package dev.ceramic.spring.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

import dev.ceramic.CeramicException;
import dev.ceramic.pool.UnsupportedSignatureException;
import dev.ceramic.pool.UnsupportedSignatureException.Problem;

/**
 * An {@code @OutOfProcess} service or a pool is set up in a way that cannot work. The
 * {@link OutOfProcessFailureAnalyzer} turns it into a start-up report that says what to
 * change.
 */
public final class OutOfProcessConfigurationException extends CeramicException {

	private static final long serialVersionUID = 1L;

	private final String action;

	OutOfProcessConfigurationException(String description, String action) {
		super(description);
		this.action = action;
	}

	OutOfProcessConfigurationException(String description, String action, Throwable cause) {
		super(description, cause);
		this.action = action;
	}

	/**
	 * Describe service methods whose parameters or results cannot travel to a worker: for
	 * each, the interface and method, the parameter or result, its type, why and what to
	 * use instead.
	 * @param ex the failure of the pool's construction
	 * @return the exception to report
	 */
	static OutOfProcessConfigurationException unsupportedSignatures(UnsupportedSignatureException ex) {
		List<Problem> problems = ex.problems();
		String methods = problems.stream()
			.map((problem) -> "\n    " + problem.describeMethod() + "\n        " + problem.position() + ", "
					+ problem.type() + ": " + problem.reason())
			.collect(Collectors.joining());
		return new OutOfProcessConfigurationException(
				"The @OutOfProcess services of pool '" + ex.pool() + "' have " + problems.size()
						+ ((problems.size() == 1) ? " parameter or result" : " parameters or results")
						+ " that cannot travel as JSON between the application and a worker:" + methods,
				"Change each method listed to take and return types that travel: records and classes Jackson can "
						+ "build, enums, String, primitives, byte[], java.time types, and List, Set, Map and "
						+ "Optional of those; a method may also return CompletableFuture<T>, CompletionStage<T> "
						+ "or Mono<T>. Work on a stream or another handle of the application belongs in a "
						+ "default method of the interface, which runs in the application.",
				ex);
	}

	/**
	 * Return what to change.
	 * @return the action
	 */
	public String action() {
		return this.action;
	}

}
