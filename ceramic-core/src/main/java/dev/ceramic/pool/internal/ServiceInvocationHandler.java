package dev.ceramic.pool.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Objects;

import dev.ceramic.pool.WorkerPool;
import org.jspecify.annotations.Nullable;

/**
 * Behind a service proxy: abstract methods go to the pool through a map resolved up
 * front, default methods run here, and {@code Object}'s methods are answered here.
 */
public final class ServiceInvocationHandler implements InvocationHandler {

	private final WorkerPool pool;

	private final Class<?> serviceInterface;

	private final Map<Method, MethodTable.Entry> remoteMethods;

	public ServiceInvocationHandler(WorkerPool pool, Class<?> serviceInterface,
			Map<Method, MethodTable.Entry> remoteMethods) {
		this.pool = pool;
		this.serviceInterface = serviceInterface;
		this.remoteMethods = remoteMethods;
	}

	@Override
	public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] arguments) throws Throwable {
		MethodTable.Entry entry = this.remoteMethods.get(method);
		if (entry != null) {
			return this.pool.invoke(entry, arguments);
		}
		if (method.getDeclaringClass() == Object.class) {
			return switch (method.getName()) {
				case "equals" -> proxy == Objects.requireNonNull(arguments)[0];
				case "hashCode" -> System.identityHashCode(proxy);
				case "toString" ->
					"ceramic proxy for " + this.serviceInterface.getName() + " in pool '" + this.pool.name() + "'";
				default -> throw new IllegalStateException("Unexpected method invocation: " + method);
			};
		}
		if (method.isDefault()) {
			return InvocationHandler.invokeDefault(proxy, method, arguments);
		}
		throw new IllegalStateException("Unexpected method invocation: " + method);
	}

}
