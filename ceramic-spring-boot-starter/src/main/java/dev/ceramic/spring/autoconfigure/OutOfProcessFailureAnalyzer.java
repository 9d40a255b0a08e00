package dev.ceramic.spring.autoconfigure;

import dev.ceramic.pool.UnsupportedSignatureException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a misconfigured {@code @OutOfProcess} service or pool with what to change,
 * service methods whose types cannot travel to a worker included.
 */
class OutOfProcessFailureAnalyzer extends AbstractFailureAnalyzer<OutOfProcessConfigurationException> {

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		UnsupportedSignatureException signatures = findCause(failure, UnsupportedSignatureException.class);
		if (signatures != null) {
			return analyze(failure, OutOfProcessConfigurationException.unsupportedSignatures(signatures));
		}
		return super.analyze(failure);
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, OutOfProcessConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

}
