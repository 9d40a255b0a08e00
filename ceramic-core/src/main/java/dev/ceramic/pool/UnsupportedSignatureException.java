package dev.ceramic.pool;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Methods of a pool's service interfaces take or return types that cannot travel between
 * the application and a worker, each named as a {@link Problem}, all of them at once. A
 * pool whose services have any is never built, so that the mistake shows at start-up
 * rather than on the first call.
 */
public final class UnsupportedSignatureException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final String pool;

	private final transient List<Problem> problems;

	UnsupportedSignatureException(String pool, List<Problem> problems) {
		super("Pool '" + pool + "' cannot call these service methods in a worker:"
				+ problems.stream().map(Problem::toString).collect(Collectors.joining("\n - ", "\n - ", "")));
		this.pool = pool;
		this.problems = List.copyOf(problems);
	}

	/**
	 * Return the name of the pool whose services have the methods.
	 * @return the pool's name
	 */
	public String pool() {
		return this.pool;
	}

	/**
	 * Return every parameter or result that cannot travel, in the order of the pool's
	 * services and their methods.
	 * @return the problems, at least one
	 */
	public List<Problem> problems() {
		return this.problems;
	}

	/**
	 * One parameter or result of a service method that cannot travel.
	 *
	 * @param serviceInterface the service interface
	 * @param method the method
	 * @param position where in the method, such as {@code parameter 1 (body)} or
	 * {@code return type}
	 * @param type the declared type, in short form, such as {@code List<InputStream>}
	 * @param reason why it cannot travel and what to use instead; when the trouble is
	 * inside the type, it starts with where, such as
	 * {@code Upload.body is an InputStream}
	 */
	public record Problem(Class<?> serviceInterface, Method method, String position, String type, String reason) {

		/**
		 * Describe the method as {@code Interface.method(Type, Type)}, with the
		 * interface's full name.
		 * @return the description
		 */
		public String describeMethod() {
			return this.serviceInterface.getName() + "." + this.method.getName()
					+ Arrays.stream(this.method.getParameterTypes())
						.map(Class::getSimpleName)
						.collect(Collectors.joining(", ", "(", ")"));
		}

		@Override
		public String toString() {
			return describeMethod() + ": " + this.position + " " + this.type + ": " + this.reason;
		}

	}

}
