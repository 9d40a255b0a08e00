package dev.ceramic.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import dev.ceramic.pool.InvalidSettingsException.Violation;
import org.jspecify.annotations.Nullable;

/**
 * Collects the rules that a pool's settings break, so that one
 * {@link InvalidSettingsException} names them all.
 */
final class Violations {

	private final String pool;

	private final List<Violation> found = new ArrayList<>();

	Violations(String pool) {
		this.pool = pool;
	}

	/** Record a violation unless {@code valid}; return {@code valid}. */
	boolean require(boolean valid, String setting, String rule, @Nullable Object value) {
		return require(valid, setting, (names) -> rule, value);
	}

	/**
	 * Record a violation of a rule that names other settings unless {@code valid}; return
	 * {@code valid}.
	 */
	boolean require(boolean valid, String setting, Function<UnaryOperator<String>, String> rule,
			@Nullable Object value) {
		if (!valid) {
			this.found.add(new Violation(setting, rule, value));
		}
		return valid;
	}

	boolean requirePositive(Duration duration, String setting) {
		return require(!duration.isZero() && !duration.isNegative(), setting, "must be positive", duration);
	}

	void throwIfAny() {
		if (!this.found.isEmpty()) {
			throw new InvalidSettingsException(this.pool, this.found);
		}
	}

}
