package dev.ceramic.spring.autoconfigure.metrics;

import dev.ceramic.pool.CallRejectedException;
import dev.ceramic.pool.CallTimeoutException;
import dev.ceramic.pool.WorkerCrashedException;
import org.jspecify.annotations.Nullable;

/**
 * The {@code outcome} tag of a call.
 */
enum CallOutcome {

	SUCCESS, ERROR, CRASH, TIMEOUT, REJECTED;

	static CallOutcome of(@Nullable Throwable failure) {
		if (failure == null) {
			return SUCCESS;
		}
		if (failure instanceof WorkerCrashedException) {
			return CRASH;
		}
		if (failure instanceof CallTimeoutException) {
			return TIMEOUT;
		}
		if (failure instanceof CallRejectedException) {
			return REJECTED;
		}
		return ERROR;
	}

	String tag() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
