package dev.ceramic.benchmarks;

import java.util.ArrayList;
import java.util.List;

import dev.ceramic.process.ProcOptions;

/**
 * Start-up variants that are not defaults, timed with {@code --experiments}.
 */
final class Experiments {

	private Experiments() {
	}

	static List<StartupBenchmark.Variant> startVariants() {
		List<StartupBenchmark.Variant> variants = new ArrayList<>();
		variants.add(new StartupBenchmark.Variant("ceramic child, -XX:+UseSerialGC",
				ProcOptions.builder().jvmArguments("-XX:+UseSerialGC").build()));
		variants.add(new StartupBenchmark.Variant("ceramic child, -XX:TieredStopAtLevel=1",
				ProcOptions.builder().jvmArguments("-XX:TieredStopAtLevel=1").build()));
		return variants;
	}

}
