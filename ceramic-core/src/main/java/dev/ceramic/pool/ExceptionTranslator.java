package dev.ceramic.pool;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Function;

import dev.ceramic.channel.ValueTooLargeException;
import org.jspecify.annotations.Nullable;

/**
 * Turns an exception that a service threw in a worker back into one the caller can catch.
 * It comes back as its own type when that type is declared in the method's {@code throws}
 * clause, or is one of a fixed set of JDK runtime exceptions, and can be built from a
 * message. Otherwise it becomes a {@link RemoteServiceException} carrying the original
 * class name, message and stack. No class named by the worker is ever loaded.
 */
final class ExceptionTranslator {

	private static final Map<String, Function<String, RuntimeException>> JDK_EXCEPTIONS = Map.ofEntries(
			Map.entry(IllegalArgumentException.class.getName(), IllegalArgumentException::new),
			Map.entry(IllegalStateException.class.getName(), IllegalStateException::new),
			Map.entry(UnsupportedOperationException.class.getName(), UnsupportedOperationException::new),
			Map.entry(NullPointerException.class.getName(), NullPointerException::new),
			Map.entry(ArithmeticException.class.getName(), ArithmeticException::new),
			Map.entry(IndexOutOfBoundsException.class.getName(), IndexOutOfBoundsException::new),
			Map.entry(ArrayIndexOutOfBoundsException.class.getName(), ArrayIndexOutOfBoundsException::new),
			Map.entry(StringIndexOutOfBoundsException.class.getName(), StringIndexOutOfBoundsException::new),
			Map.entry(ClassCastException.class.getName(), ClassCastException::new),
			Map.entry(NumberFormatException.class.getName(), NumberFormatException::new),
			Map.entry(java.util.NoSuchElementException.class.getName(), java.util.NoSuchElementException::new),
			Map.entry(java.util.ConcurrentModificationException.class.getName(),
					java.util.ConcurrentModificationException::new),
			Map.entry(java.time.DateTimeException.class.getName(), java.time.DateTimeException::new),
			Map.entry(SecurityException.class.getName(), SecurityException::new),
			Map.entry(NegativeArraySizeException.class.getName(), NegativeArraySizeException::new),
			Map.entry(ArrayStoreException.class.getName(), ArrayStoreException::new),
			// A worker's result too large to send back.
			Map.entry(ValueTooLargeException.class.getName(), ValueTooLargeException::new));

	private ExceptionTranslator() {
	}

	/**
	 * Rebuild an exception thrown by a service.
	 * @param error the exception as data
	 * @param method the interface method that was called
	 * @param poolName the pool's name
	 * @param pid the worker's pid
	 * @return the exception for the caller
	 */
	static Throwable translate(RemoteError error, Method method, String poolName, long pid) {
		Throwable translated = rebuild(error, method);
		if (translated == null) {
			translated = remote(error, poolName, pid);
		}
		else if (error.cause() != null && translated.getCause() == null) {
			try {
				translated.initCause(remote(error.cause(), poolName, pid));
			}
			catch (IllegalStateException ex) {
				// The exception's constructor already fixed its cause.
			}
		}
		translated.setStackTrace(error.stackTraceElements());
		return translated;
	}

	private static @Nullable Throwable rebuild(RemoteError error, Method method) {
		Function<String, RuntimeException> jdk = JDK_EXCEPTIONS.get(error.className());
		if (jdk != null) {
			return jdk.apply(error.message());
		}
		for (Class<?> declared : method.getExceptionTypes()) {
			if (declared.getName().equals(error.className())) {
				try {
					Constructor<?> constructor = declared.getConstructor(String.class);
					return (Throwable) constructor.newInstance(error.message());
				}
				catch (ReflectiveOperationException | RuntimeException ex) {
					return null;
				}
			}
		}
		return null;
	}

	private static RemoteServiceException remote(RemoteError error, String poolName, long pid) {
		RemoteServiceException cause = (error.cause() != null) ? remote(error.cause(), poolName, pid) : null;
		String message = error.className() + ((error.message() != null) ? ": " + error.message() : "")
				+ " (thrown in worker pid " + pid + " of pool '" + poolName + "')";
		RemoteServiceException exception = new RemoteServiceException(poolName, pid, error.className(), message, cause);
		exception.setStackTrace(error.stackTraceElements());
		return exception;
	}

}
