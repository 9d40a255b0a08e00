package dev.ceramic.platform;

import dev.ceramic.platform.Platform.Capability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Platform} on the Linux machines ceramic is built and tested on: every capability
 * is there, and what it reads makes sense.
 */
class PlatformTests {

	@ParameterizedTest
	@EnumSource(Capability.class)
	void linuxOffersEveryCapability(Capability capability) {
		assertThat(Platform.supports(capability)).as("%s on Linux", capability).isTrue();
	}

	@Test
	void residentMemoryOfThisProcessIsPositive() {
		assertThat(Platform.residentMemory(ProcessHandle.current().pid())).isPositive();
	}

	@Test
	void residentMemoryOfAProcessThatIsGoneIsUnknown() {
		assertThat(Platform.residentMemory(Integer.MAX_VALUE + 1L)).isEqualTo(-1);
	}

	@Test
	void standardInputIsDescribed() {
		assertThat(Platform.describeStandardInput()).hasValueSatisfying((target) -> assertThat(target).isNotBlank());
	}

}
