package dev.ceramic.pool;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Behind a service proxy: abstract methods go to the pool's call dispatch through a map
 * resolved up front, default methods run here, and {@code Object}'s methods are answered
 * here. A method that returns a future or a {@code Mono} gets it at once; a blocking one
 * is refused on a thread that Reactor marks as non-blocking.
 */
final class ServiceInvocationHandler implements InvocationHandler {

	private final String poolName;

	private final CallDispatch dispatch;

	private final Class<?> serviceInterface;

	private final Map<Method, MethodTable.Entry> remoteMethods;

	ServiceInvocationHandler(String poolName, CallDispatch dispatch, Class<?> serviceInterface,
			Map<Method, MethodTable.Entry> remoteMethods) {
		this.poolName = poolName;
		this.dispatch = dispatch;
		this.serviceInterface = serviceInterface;
		this.remoteMethods = remoteMethods;
	}

	@Override
	public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] arguments) throws Throwable {
		MethodTable.Entry entry = this.remoteMethods.get(method);
		if (entry != null) {
			if (entry.style().isAsync()) {
				return entry.style().deliver(() -> this.dispatch.invokeAsync(entry, arguments));
			}
			if (ReactorSupport.isInNonBlockingThread()) {
				throw blockingOnNonBlockingThread(entry);
			}
			return this.dispatch.invoke(entry, arguments);
		}
		if (method.getDeclaringClass() == Object.class) {
			return switch (method.getName()) {
				case "equals" -> proxy == Objects.requireNonNull(arguments)[0];
				case "hashCode" -> System.identityHashCode(proxy);
				case "toString" ->
					"ceramic proxy for " + this.serviceInterface.getName() + " in pool '" + this.poolName + "'";
				default -> throw new IllegalStateException("Unexpected method invocation: " + method);
			};
		}
		if (method.isDefault()) {
			return InvocationHandler.invokeDefault(proxy, method, arguments);
		}
		throw new IllegalStateException("Unexpected method invocation: " + method);
	}

	/**
	 * A blocking call would stall a thread that serves many others (an event loop of
	 * WebFlux, say) for as long as the worker takes, up to its call timeout: refuse it at
	 * once, as Reactor's own {@code block()} does there.
	 */
	private IllegalStateException blockingOnNonBlockingThread(MethodTable.Entry entry) {
		return new IllegalStateException(entry.describe() + " of pool '" + this.poolName
				+ "' blocks until a worker answers, and was called on the non-blocking thread '"
				+ Thread.currentThread().getName() + "', which it would stall; declare the method to return Mono<T> "
				+ "or CompletableFuture<T>, or make the call on a thread that may block, such as one of "
				+ "Schedulers.boundedElastic()");
	}

}
