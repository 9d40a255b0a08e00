package dev.ceramic.spring.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;

/**
 * Checks one pool's merged settings, with messages that name the {@code ceramic.*} key.
 */
final class PoolValidator {

	private PoolValidator() {
	}

	static void validate(String path, String prefix, PoolProperties pool, Errors errors) {
		Check check = new Check(path, prefix, errors);
		check.atLeast("minWorkers", "min-workers", pool.getMinWorkers(), 0);
		check.atLeast("maxWorkers", "max-workers", pool.getMaxWorkers(), 1);
		if (pool.getMinWorkers() != null && pool.getMaxWorkers() != null
				&& pool.getMinWorkers() > pool.getMaxWorkers()) {
			check.reject("minWorkers", "min-workers", pool.getMinWorkers(),
					"must not be greater than " + prefix + ".max-workers (" + pool.getMaxWorkers() + ")");
		}
		check.notNegative("acquireTimeout", "acquire-timeout", pool.getAcquireTimeout());
		check.atLeast("maxQueuedCalls", "max-queued-calls", pool.getMaxQueuedCalls(), 0);
		check.positive("callTimeout", "call-timeout", pool.getCallTimeout());
		if (pool.getMaxCallsPerWorker() != null && pool.getMaxCallsPerWorker() < 0) {
			check.reject("maxCallsPerWorker", "max-calls-per-worker", pool.getMaxCallsPerWorker(),
					"must not be negative (0 means no limit)");
		}
		check.positive("idleTimeout", "idle-timeout", pool.getIdleTimeout());
		check.notNegative("maxWorkerMemory", "max-worker-memory", pool.getMaxWorkerMemory());
		check.positive("startupTimeout", "startup-timeout", pool.getStartupTimeout());
		check.notNegative("shutdownGrace", "shutdown-grace", pool.getShutdownGrace());
		DataSize frame = pool.getMaxFrameSize();
		if (frame != null && (frame.toBytes() < 1024 || frame.toBytes() > Integer.MAX_VALUE)) {
			check.reject("maxFrameSize", "max-frame-size", frame, "must be between 1KB and 2GB");
		}
		check.atLeast("maxNestingDepth", "max-nesting-depth", pool.getMaxNestingDepth(), 1);
		if (pool.getJavaHome() != null && !pool.getJavaHome().resolve("bin").resolve("java").toFile().canExecute()) {
			check.reject("javaHome", "java-home", pool.getJavaHome(),
					"has no executable bin/java; point it at a JDK or JRE installation");
		}
		if (pool.getWorkingDirectory() != null && !pool.getWorkingDirectory().toFile().isDirectory()) {
			check.reject("workingDirectory", "working-directory", pool.getWorkingDirectory(), "is not a directory");
		}
	}

	private record Check(String path, String prefix, Errors errors) {

		void atLeast(String field, String key, @Nullable Integer value, int minimum) {
			if (value != null && value < minimum) {
				reject(field, key, value, "must be at least " + minimum);
			}
		}

		void positive(String field, String key, @Nullable Duration value) {
			if (value != null && (value.isZero() || value.isNegative())) {
				reject(field, key, value, "must be positive");
			}
		}

		void notNegative(String field, String key, @Nullable Duration value) {
			if (value != null && value.isNegative()) {
				reject(field, key, value, "must not be negative");
			}
		}

		void notNegative(String field, String key, @Nullable DataSize value) {
			if (value != null && value.isNegative()) {
				reject(field, key, value, "must not be negative (0 means no limit)");
			}
		}

		void reject(String field, String key, Object value, String rule) {
			this.errors.rejectValue(this.path + "." + field, "ceramic.invalid",
					this.prefix + "." + key + " " + rule + ", but was " + value);
		}

	}

}
