package dev.ceramic.pool;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

/**
 * Wraps each call made through a pool's proxies, in the caller's thread: for metrics,
 * tracing or logging. Interceptors run in the order they were added, the first outermost.
 * For a method that returns a future or a {@code Mono}, they run in the call's own
 * thread, around the call as it runs there, and see its value or exception rather than
 * the future; what the caller's thread held in thread-locals is not there.
 */
@FunctionalInterface
public interface CallInterceptor {

	/**
	 * Intercept one call.
	 * @param call what is being called
	 * @param next the rest of the chain, ending in the worker
	 * @return the call's result
	 * @throws Throwable whatever the call throws
	 */
	@Nullable Object intercept(ServiceCall call, Invocation next) throws Throwable;

	/**
	 * The rest of an interceptor chain.
	 */
	@FunctionalInterface
	interface Invocation {

		/**
		 * Proceed with the call.
		 * @return its result
		 * @throws Throwable whatever it throws
		 */
		@Nullable Object proceed() throws Throwable;

	}

	/**
	 * What is being called.
	 *
	 * @param pool the pool's name
	 * @param serviceInterface the service interface
	 * @param method the interface method
	 */
	record ServiceCall(String pool, Class<?> serviceInterface, Method method) {

	}

}
