package dev.ceramic.process;

import dev.ceramic.CeramicException;

/**
 * A child process could not be started, exited during start-up, or did not become ready
 * within its start-up timeout. The message names what happened and includes the child's
 * last lines of standard error.
 */
public final class ProcStartException extends CeramicException {

	private static final long serialVersionUID = 1L;

	public ProcStartException(String message) {
		super(message);
	}

	public ProcStartException(String message, Throwable cause) {
		super(message, cause);
	}

}
