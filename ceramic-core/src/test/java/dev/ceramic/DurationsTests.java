package dev.ceramic;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Durations}: a duration reads as a user writes it in
 * {@code application.yml}, in the largest unit that holds it exactly.
 */
class DurationsTests {

	@ParameterizedTest
	@CsvSource({ "PT0S, 0s", "PT5S, 5s", "PT3S, 3s", "PT0.5S, 500ms", "PT1.5S, 1500ms", "PT90S, 90s", "PT2M, 2m",
			"PT1H, 1h", "PT25H, 25h", "PT48H, 2d", "PT0.000001S, 1us", "PT0.0000015S, 1500ns", "PT-1S, -1s",
			"PT-0.001S, -1ms" })
	void writesTheLargestUnitThatHoldsTheDurationExactly(Duration duration, String written) {
		assertThat(Durations.format(duration)).isEqualTo(written);
	}

	@Test
	void aMeasuredDurationIsWrittenToTheMillisecond() {
		assertThat(Durations.formatMillis(Duration.ofNanos(1_234_567_891))).isEqualTo("1234ms");
		assertThat(Durations.formatMillis(Duration.ofNanos(2_000_400_000))).isEqualTo("2s");
	}

}
