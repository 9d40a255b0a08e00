package dev.ceramic.pool;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * How a service method hands back its result: at once (blocking), or as a
 * {@link CompletableFuture}, a {@link CompletionStage} or a Reactor {@code Mono} of a
 * value. Whatever the style, one call is one message each way carrying the value itself:
 * the worker waits for its implementation's future and sends what it completed with, and
 * the application completes the caller's future with it.
 */
enum ReturnStyle {

	/** The method returns its value, and its caller waits for it. */
	BLOCKING,

	/** The method returns a {@code CompletableFuture<T>}. */
	COMPLETABLE_FUTURE,

	/** The method returns a {@code CompletionStage<T>}. */
	COMPLETION_STAGE,

	/** The method returns a Reactor {@code Mono<T>}. */
	MONO;

	/**
	 * Return the style of a method's declared return type. Reactor's {@code Mono} is
	 * recognised by name, so that this class never needs Reactor.
	 * @param returnType the declared return type
	 * @return the style
	 */
	static ReturnStyle of(Class<?> returnType) {
		if (returnType == CompletableFuture.class) {
			return COMPLETABLE_FUTURE;
		}
		if (returnType == CompletionStage.class) {
			return COMPLETION_STAGE;
		}
		if (returnType.getName().equals(ReactorSupport.MONO)) {
			return MONO;
		}
		return BLOCKING;
	}

	/**
	 * Whether the caller gets a future or a {@code Mono} instead of the value.
	 * @return whether the method is asynchronous
	 */
	boolean isAsync() {
		return this != BLOCKING;
	}

	/**
	 * Return the type the value travels as: the declared return type of a blocking
	 * method, the {@code T} of an asynchronous one. A raw future carries an
	 * {@code Object}.
	 * @param genericReturnType the method's generic return type
	 * @return the value's type, still to be resolved against the service interface
	 */
	Type valueType(Type genericReturnType) {
		if (!isAsync()) {
			return genericReturnType;
		}
		if (genericReturnType instanceof ParameterizedType parameterized) {
			return parameterized.getActualTypeArguments()[0];
		}
		return Object.class;
	}

	/**
	 * Give the caller what the method returns, for an asynchronous method: the call's
	 * future, or a {@code Mono} that starts the call when it is subscribed to.
	 * @param start starts the call and returns its future
	 * @return what the proxy returns
	 */
	Object deliver(Supplier<CompletableFuture<@Nullable Object>> start) {
		return switch (this) {
			case COMPLETABLE_FUTURE, COMPLETION_STAGE -> start.get();
			case MONO -> ReactorSupport.mono(start);
			case BLOCKING -> throw new IllegalStateException("A blocking method has nothing to deliver");
		};
	}

	/**
	 * In the worker: wait for what an implementation returned to complete, and return its
	 * value. A worker serves one call at a time, so it has nothing else to do in the
	 * meantime; the application bounds the wait with the call's timeout.
	 * @param returned what the implementation returned
	 * @param entry the method, for messages
	 * @return the value to send
	 * @throws Throwable what the future failed with, as the implementation threw it
	 */
	@Nullable Object await(@Nullable Object returned, MethodTable.Entry entry) throws Throwable {
		if (!isAsync()) {
			return returned;
		}
		if (returned == null) {
			throw new NullPointerException(entry.describe() + " returned null instead of a "
					+ entry.method().getReturnType().getSimpleName() + "; return a completed one for a null value");
		}
		CompletableFuture<?> future = (this == MONO) ? ReactorSupport.toFuture(returned)
				: ((CompletionStage<?>) returned).toCompletableFuture();
		try {
			return future.get();
		}
		catch (ExecutionException ex) {
			throw Objects.requireNonNullElse(ex.getCause(), ex);
		}
		catch (CancellationException ex) {
			throw new CancellationException(entry.describe() + " returned a future that was cancelled in the worker");
		}
	}

}
