package dev.ceramic.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a misconfigured {@code @OutOfProcess} service or pool with what to change.
 */
class OutOfProcessFailureAnalyzer extends AbstractFailureAnalyzer<OutOfProcessConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, OutOfProcessConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

}
