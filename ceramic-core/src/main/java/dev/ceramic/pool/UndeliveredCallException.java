package dev.ceramic.pool;

import dev.ceramic.CeramicException;

/**
 * A call could not be handed to a worker because it had already died: the call never ran,
 * so another worker may take it. The pool catches it; callers see its crash when no other
 * worker takes the call.
 */
final class UndeliveredCallException extends CeramicException {

	private static final long serialVersionUID = 1L;

	private final WorkerCrashedException crash;

	UndeliveredCallException(WorkerCrashedException crash) {
		super(crash.getMessage(), crash);
		this.crash = crash;
	}

	/**
	 * Return the crash, for the caller if no other worker takes the call.
	 * @return the crash
	 */
	WorkerCrashedException crash() {
		return this.crash;
	}

}
