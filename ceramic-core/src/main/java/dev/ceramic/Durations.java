package dev.ceramic;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Writes a duration the way a user writes one in {@code application.yml}, in Spring
 * Boot's simple format: {@code 500ms}, {@code 5s}, {@code 2m}. Every message of ceramic
 * that shows a duration writes it this way, so that the value in a message reads like the
 * property it came from.
 */
public final class Durations {

	/**
	 * Units of whole seconds from the largest, with their suffixes in Spring Boot's
	 * simple format; shorter durations are written in {@code ms}, {@code us} or
	 * {@code ns}.
	 */
	private static final List<Unit> UNITS = List.of(new Unit(86_400, "d"), new Unit(3600, "h"), new Unit(60, "m"),
			new Unit(1, "s"));

	private Durations() {
	}

	/**
	 * Write a duration in the largest unit that holds it exactly: {@code 3s} for 3000
	 * milliseconds, {@code 1500ms} for 1.5 seconds, {@code 2m} for 120 seconds.
	 * @param duration the duration
	 * @return the duration, such as {@code 5s}
	 */
	public static String format(Duration duration) {
		if (duration.isNegative()) {
			return "-" + format(duration.negated());
		}
		long seconds = duration.getSeconds();
		int nanos = duration.getNano();
		if (nanos == 0 && seconds == 0) {
			return "0s";
		}
		if (nanos == 0) {
			for (Unit unit : UNITS) {
				if (seconds % unit.seconds() == 0) {
					return (seconds / unit.seconds()) + unit.suffix();
				}
			}
		}
		if (nanos % 1_000_000 == 0) {
			return (seconds * 1000 + nanos / 1_000_000) + "ms";
		}
		if (nanos % 1000 == 0) {
			return (seconds * 1_000_000 + nanos / 1000) + "us";
		}
		return (seconds * 1_000_000_000 + nanos) + "ns";
	}

	/**
	 * Write a measured duration, which has no round value, to the millisecond: {@code
	 * 1234ms}, or {@code 2s} when it was 2000 ms to the millisecond.
	 * @param duration the duration
	 * @return the duration, such as {@code 1234ms}
	 */
	public static String formatMillis(Duration duration) {
		return format(duration.truncatedTo(ChronoUnit.MILLIS));
	}

	private record Unit(long seconds, String suffix) {

	}

}
