package dev.ceramic.spring.autoconfigure;

import dev.ceramic.CeramicException;

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
	 * Return what to change.
	 * @return the action
	 */
	public String action() {
		return this.action;
	}

}
