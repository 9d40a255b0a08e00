package dev.ceramic.pool;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import dev.ceramic.Durations;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a pool that break their rules, each named as a {@link Violation}, so that a
 * caller can report them in its own terms: the Spring Boot starter names the
 * configuration key of each one.
 */
public final class InvalidSettingsException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final String pool;

	private final transient List<Violation> violations;

	InvalidSettingsException(String pool, List<Violation> violations) {
		super("Pool '" + pool + "': " + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
		this.pool = pool;
		this.violations = List.copyOf(violations);
	}

	/**
	 * Return the name of the pool whose settings are invalid.
	 * @return the pool's name
	 */
	public String pool() {
		return this.pool;
	}

	/**
	 * Return every broken rule, in the order the settings are checked.
	 * @return the violations, at least one
	 */
	public List<Violation> violations() {
		return this.violations;
	}

	/**
	 * One setting whose value breaks one rule. Settings are named as the starter's keys
	 * under {@code ceramic.pools.<name>}, such as {@code max-workers}.
	 */
	public static final class Violation {

		private final String setting;

		private final Function<UnaryOperator<String>, String> rule;

		private final @Nullable Object value;

		Violation(String setting, Function<UnaryOperator<String>, String> rule, @Nullable Object value) {
			this.setting = setting;
			this.rule = rule;
			this.value = value;
		}

		/**
		 * Return the setting that is invalid.
		 * @return the setting's name, such as {@code max-workers}
		 */
		public String setting() {
			return this.setting;
		}

		/**
		 * Return the rule the value breaks.
		 * @return the rule, such as {@code must be at least 1}
		 */
		public String rule() {
			return rule(UnaryOperator.identity());
		}

		/**
		 * Return the rule the value breaks, naming any other setting it mentions through
		 * {@code names}.
		 * @param names turns a setting's name into the name to show
		 * @return the rule
		 */
		public String rule(UnaryOperator<String> names) {
			return this.rule.apply(names);
		}

		/**
		 * Return the value that breaks the rule.
		 * @return the value, as the settings hold it
		 */
		public @Nullable Object value() {
			return this.value;
		}

		@Override
		public String toString() {
			return this.setting + " " + rule() + ", but was "
					+ ((this.value instanceof Duration duration) ? Durations.format(duration) : this.value);
		}

	}

}
