package dev.ceramic.pool;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What ceramic does with Reactor when it is on the classpath, an optional dependency:
 * {@code Mono} results, and telling a non-blocking thread (an event loop of WebFlux, a
 * thread of {@code Schedulers.parallel()}) from one that may block. Only the nested class
 * refers to Reactor's types, and it is loaded only when Reactor is present.
 */
final class ReactorSupport {

	/** The name of Reactor's {@code Mono}, by which return types are recognised. */
	static final String MONO = "reactor.core.publisher.Mono";

	private static final boolean PRESENT = isPresent();

	private ReactorSupport() {
	}

	private static boolean isPresent() {
		try {
			Class.forName("reactor.core.scheduler.Schedulers", false, ReactorSupport.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * Whether the current thread is one that must never block, as Reactor marks them.
	 * @return whether it is; {@code false} without Reactor
	 */
	static boolean isInNonBlockingThread() {
		return PRESENT && Reactor.isInNonBlockingThread();
	}

	/**
	 * Return a {@code Mono} that starts a call when subscribed to, completes with its
	 * value (empty for {@code null}) or error, and cancels the call when cancelled.
	 * @param start starts the call
	 * @return the {@code Mono}
	 */
	static Object mono(Supplier<CompletableFuture<@Nullable Object>> start) {
		return Reactor.mono(start);
	}

	/**
	 * Subscribe to a {@code Mono} and return the future of its value.
	 * @param mono the {@code Mono}
	 * @return its future
	 */
	static CompletableFuture<?> toFuture(Object mono) {
		return Reactor.toFuture(mono);
	}

	/**
	 * The calls into Reactor, in a class of their own that only Reactor's presence loads.
	 */
	private static final class Reactor {

		private Reactor() {
		}

		static boolean isInNonBlockingThread() {
			return Schedulers.isInNonBlockingThread();
		}

		static Object mono(Supplier<CompletableFuture<@Nullable Object>> start) {
			// Lazy: the supplier runs at subscription, once per subscriber. Without
			// suppressCancel, cancelling the Mono cancels the future, and so the call.
			return Mono.fromFuture(start);
		}

		static CompletableFuture<?> toFuture(Object mono) {
			return ((Mono<?>) mono).toFuture();
		}

	}

}
