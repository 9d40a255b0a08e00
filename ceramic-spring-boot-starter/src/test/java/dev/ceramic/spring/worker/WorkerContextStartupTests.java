package dev.ceramic.spring.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ceramic.pool.ReflectiveServiceFactory;
import dev.ceramic.pool.ServiceFactory;
import dev.ceramic.pool.WorkerPool;
import dev.ceramic.pool.WorkerPoolSettings;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the worker's Spring context costs: real workers started alternately with the
 * core's {@link ReflectiveServiceFactory} (no Spring) and with
 * {@link SpringServiceFactory}, timed from {@link WorkerPool#start()} until the worker is
 * ready, with the context's own start-up time from the factory's log line. It prints the
 * medians, and checks that the context stays lean: the service and ceramic's own
 * configuration, no auto-configuration, no web server.
 * <p>
 * {@code -Dceramic.worker-startup.rounds=11} measures more rounds than the build's one.
 */
class WorkerContextStartupTests {

	private static final int ROUNDS = Integer.getInteger("ceramic.worker-startup.rounds", 1);

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

	private static final Pattern CONTEXT_STARTED = Pattern
		.compile("Worker context for .* started in (\\d+) ms with (\\d+) beans");

	private static final String SPRING_POOL = "spring-startup";

	@Test
	void theWorkersSpringContextIsLeanAndItsStartupIsMeasured() throws Exception {
		Logger workerOutput = (Logger) LoggerFactory.getLogger("ceramic.proc." + SPRING_POOL);
		ListAppender<ILoggingEvent> lines = new ListAppender<>();
		lines.start();
		workerOutput.addAppender(lines);
		List<Long> plainMillis = new ArrayList<>();
		List<Long> plainCpuMillis = new ArrayList<>();
		List<Long> springMillis = new ArrayList<>();
		List<Long> springCpuMillis = new ArrayList<>();
		List<Long> contextMillis = new ArrayList<>();
		List<String> beanNames = List.of();
		try {
			for (int round = 0; round < ROUNDS; round++) {
				Started plain = startAndCall("plain-startup", ReflectiveServiceFactory.class, PlainContextReport.class);
				plainMillis.add(plain.millis());
				plainCpuMillis.add(plain.cpuMillis());
				lines.list.clear();
				Started spring = startAndCall(SPRING_POOL, SpringServiceFactory.class, SpringContextReport.class);
				springMillis.add(spring.millis());
				springCpuMillis.add(spring.cpuMillis());
				beanNames = spring.report().beanNames();
				contextMillis.add(contextStartMillis(lines.list, beanNames.size()));
			}
		}
		finally {
			workerOutput.detachAppender(lines);
		}
		System.out.printf(
				"Worker start-up until ready, medians of %d rounds: without Spring %d ms (%d ms of CPU), "
						+ "with the Spring context %d ms (%d ms of CPU), of which the context itself %d ms "
						+ "(%d beans: %s)%n",
				ROUNDS, median(plainMillis), median(plainCpuMillis), median(springMillis), median(springCpuMillis),
				median(contextMillis), beanNames.size(), beanNames);
		assertThat(beanNames).contains("springContextReport")
			.noneMatch((name) -> name.endsWith("AutoConfiguration"))
			.noneMatch((name) -> name.toLowerCase().contains("webserver"))
			.hasSizeLessThanOrEqualTo(15);
	}

	private static Started startAndCall(String name, Class<? extends ServiceFactory> factory,
			Class<? extends ContextReport> implementation) {
		WorkerPoolSettings settings = WorkerPoolSettings.builder(name)
			.minWorkers(1)
			.maxWorkers(1)
			.startupTimeout(READY_TIMEOUT)
			.serviceFactory(factory)
			.systemProperties(Map.of("logging.level." + SpringServiceFactory.class.getName(), "DEBUG"))
			.build();
		try (WorkerPool pool = WorkerPool.builder(settings).service(ContextReport.class, implementation).build()) {
			long start = System.nanoTime();
			pool.start();
			assertThat(pool.awaitReady(READY_TIMEOUT)).as("pool %s ready", name).isTrue();
			long millis = (System.nanoTime() - start) / 1_000_000;
			long cpuMillis = pool.snapshot(false)
				.workers()
				.stream()
				.map((worker) -> ProcessHandle.of(worker.pid()).flatMap((handle) -> handle.info().totalCpuDuration()))
				.flatMap(Optional::stream)
				.mapToLong(Duration::toMillis)
				.sum();
			ContextReport.Report report = pool.proxy(ContextReport.class).report();
			assertThat(report.pid()).isNotEqualTo(ProcessHandle.current().pid());
			return new Started(millis, cpuMillis, report);
		}
	}

	/**
	 * The context's start-up time from the factory's log line, which names as many beans
	 * as the worker reported.
	 */
	private static long contextStartMillis(List<ILoggingEvent> lines, int beans) {
		for (ILoggingEvent line : lines) {
			Matcher matcher = CONTEXT_STARTED.matcher(line.getFormattedMessage());
			if (matcher.find()) {
				assertThat(Integer.parseInt(matcher.group(2))).isEqualTo(beans);
				return Long.parseLong(matcher.group(1));
			}
		}
		throw new AssertionError("The worker did not log its context's start-up; its output was: "
				+ lines.stream().map(ILoggingEvent::getFormattedMessage).toList());
	}

	private static long median(List<Long> values) {
		List<Long> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return sorted.get(sorted.size() / 2);
	}

	private record Started(long millis, long cpuMillis, ContextReport.Report report) {

	}

}
