package dev.ceramic.spring.autoconfigure.metrics;

import dev.ceramic.pool.CallInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * Records each call in the {@code ceramic.calls} timer, tagged with pool, service, method
 * and outcome, when there is a meter registry but no observation registry.
 */
class TimedCallInterceptor implements CallInterceptor {

	private final MeterRegistry registry;

	TimedCallInterceptor(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public @Nullable Object intercept(ServiceCall call, Invocation next) throws Throwable {
		Timer.Sample sample = Timer.start(this.registry);
		Throwable failure = null;
		try {
			return next.proceed();
		}
		catch (Throwable ex) {
			failure = ex;
			throw ex;
		}
		finally {
			sample.stop(Timer.builder(ObservedCallInterceptor.NAME)
				.description("Calls into out-of-process services")
				.tag("pool", call.pool())
				.tag("service", call.serviceInterface().getName())
				.tag("method", call.method().getName())
				.tag("outcome", CallOutcome.of(failure).tag())
				.register(this.registry));
		}
	}

}
