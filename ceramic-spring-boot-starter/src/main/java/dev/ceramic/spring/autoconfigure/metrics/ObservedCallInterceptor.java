package dev.ceramic.spring.autoconfigure.metrics;

import dev.ceramic.pool.CallInterceptor;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Wraps each call in an {@link Observation} named {@code ceramic.calls}, with the low
 * cardinality keys pool, service, method and outcome. With Spring Boot's meter
 * observation handler it becomes the {@code ceramic.calls} timer; with tracing, a span.
 */
class ObservedCallInterceptor implements CallInterceptor {

	static final String NAME = "ceramic.calls";

	private final ObservationRegistry registry;

	ObservedCallInterceptor(ObservationRegistry registry) {
		this.registry = registry;
	}

	@Override
	public @Nullable Object intercept(ServiceCall call, Invocation next) throws Throwable {
		Observation observation = Observation.createNotStarted(NAME, this.registry)
			.contextualName("ceramic " + call.serviceInterface().getSimpleName() + "." + call.method().getName())
			.lowCardinalityKeyValue("pool", call.pool())
			.lowCardinalityKeyValue("service", call.serviceInterface().getName())
			.lowCardinalityKeyValue("method", call.method().getName())
			.start();
		Throwable failure = null;
		try (Observation.Scope scope = observation.openScope()) {
			return next.proceed();
		}
		catch (Throwable ex) {
			failure = ex;
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.lowCardinalityKeyValue("outcome", CallOutcome.of(failure).tag());
			observation.stop();
		}
	}

}
