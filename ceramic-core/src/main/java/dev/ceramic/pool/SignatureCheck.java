package dev.ceramic.pool;

import java.io.FileDescriptor;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.Reader;
import java.io.Writer;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.Channel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.BaseStream;
import java.util.stream.Collectors;

import dev.ceramic.channel.JsonCodec;
import dev.ceramic.channel.TypeObstacle;
import dev.ceramic.pool.UnsupportedSignatureException.Problem;
import org.jspecify.annotations.Nullable;

/**
 * Checks, when a pool is built, that every parameter and result of its services' remote
 * methods can travel as JSON between the application and a worker, so that a signature
 * that could never work fails the pool's construction, naming every such method at once,
 * instead of failing each call.
 *
 * <p>
 * A type cannot travel when it, or anything it holds, is one of the {@link #REFUSED}
 * types (streams, channels, sockets, futures in the wrong place, {@code Object}), is a
 * raw generic type, or is a type that ceramic's {@link JsonCodec} (Jackson) cannot build:
 * an interface or abstract class without {@code @JsonTypeInfo}, or a class without a
 * constructor Jackson can use.
 */
final class SignatureCheck {

	private static final String MONO = "reactor.core.publisher.Mono";

	/** What a method may return to be asynchronous, and then only as its return type. */
	private static final List<String> ASYNC_RESULTS = List.of(CompletableFuture.class.getName(),
			CompletionStage.class.getName(), MONO);

	/**
	 * Every type that cannot travel, with why and what to use instead; the first match
	 * wins, so specific entries come before general ones. Asked of each type a parameter
	 * or result holds, however deep.
	 */
	private static final List<Refused> REFUSED = List.of(
			// A parameter or result declared InputStream is let through before these are
			// asked.
			Refused.type(InputStream.class,
					"a stream travels only as a parameter or a result of its own, declared InputStream, not "
							+ "inside a value nor a future; pass or return the InputStream itself"),
			Refused.type(OutputStream.class,
					"a stream is written where it was opened and cannot travel as JSON; return the bytes as a "
							+ "byte[] instead"),
			Refused.type(Reader.class, "a Reader is read where it was opened and cannot travel; pass a String"),
			Refused.type(Writer.class, "a Writer is written where it was opened and cannot travel; return a String"),
			Refused.type(Channel.class,
					"a channel is an open file or connection of one process and cannot travel; pass its content "
							+ "as a byte[]"),
			Refused.type(BaseStream.class,
					"a Stream is consumed lazily where it was made and cannot travel; use a List"),
			Refused.type(Iterator.class, "an Iterator walks a collection of one process; use a List"),
			Refused.type(Spliterator.class, "a Spliterator walks a collection of one process; use a List"),
			Refused.type(Enumeration.class, "an Enumeration walks a collection of one process; use a List"),
			Refused.type(Socket.class,
					"a socket is a connection of one process and cannot travel; pass where to connect (a host "
							+ "and port, or a URI)"),
			Refused.type(ServerSocket.class,
					"a socket is a connection of one process and cannot travel; pass where to connect"),
			Refused.type(DatagramSocket.class,
					"a socket is a connection of one process and cannot travel; pass where to connect"),
			Refused.type(FileDescriptor.class,
					"an open file of one process cannot travel; pass the file's Path (workers share the "
							+ "application's file system) or its content as a byte[]"),
			Refused.type(RandomAccessFile.class,
					"an open file of one process cannot travel; pass the file's Path or its content as a byte[]"),
			Refused.type(Class.class,
					"a Class would let the wire choose what gets loaded, which ceramic never allows; pass an "
							+ "enum or a String"),
			Refused.type(CompletionStage.class,
					"a future travels only as a method's return type, as the value it completes with; pass or "
							+ "return the value itself"),
			Refused.type(Future.class,
					"a method may return CompletableFuture<T>, CompletionStage<T> or Reactor's Mono<T>, and "
							+ "nothing else asynchronous, nor a future anywhere else; return CompletableFuture<T>"),
			Refused.named(MONO,
					"a Mono travels only as a method's return type, as the value it completes with; pass or "
							+ "return the value itself"),
			Refused.named("reactor.core.publisher.Flux",
					"a Flux of many values is not supported; return Mono<List<T>> or CompletableFuture<List<T>>"),
			Refused.named("org.reactivestreams.Publisher",
					"a Publisher of many values is not supported; return Mono<List<T>> or "
							+ "CompletableFuture<List<T>>"),
			Refused.type(Thread.class, "a thread belongs to one process and cannot travel"),
			Refused.type(Runnable.class, "code cannot travel as JSON; make the work a method of the service"),
			Refused.type(Callable.class, "code cannot travel as JSON; make the work a method of the service"),
			new Refused((type) -> type.isInterface() && type.getPackageName().equals("java.util.function"),
					"a lambda cannot travel as JSON; make the work a method of the service"),
			Refused.type(AutoCloseable.class,
					"it holds an open resource of one process and cannot travel; pass the data it gives access to"),
			new Refused((type) -> type == Object.class,
					"Object says nothing of what to build, so a record would arrive as a LinkedHashMap; declare "
							+ "the type, such as a record (or JsonNode for free-form JSON)"));

	private SignatureCheck() {
	}

	/**
	 * Check every remote method of a pool's services.
	 * @param pool the pool's name, for the message
	 * @param serviceInterfaces the services
	 * @param codec the codec that will carry their values
	 * @throws UnsupportedSignatureException naming every parameter and result that cannot
	 * travel
	 */
	static void check(String pool, List<Class<?>> serviceInterfaces, JsonCodec codec) {
		List<Problem> problems = new ArrayList<>();
		for (Class<?> service : serviceInterfaces) {
			List<Method> methods = Arrays.stream(service.getMethods())
				.filter(MethodTable::isRemote)
				.sorted(Comparator.comparing(MethodTable::signature))
				.toList();
			for (Method method : methods) {
				Parameter[] parameters = method.getParameters();
				Type[] types = method.getGenericParameterTypes();
				for (int i = 0; i < types.length; i++) {
					String position = "parameter " + (i + 1)
							+ (parameters[i].isNamePresent() ? " (" + parameters[i].getName() + ")" : "");
					String reason = check(types[i], false, method, service, codec);
					if (reason != null) {
						problems.add(new Problem(service, method, position, shortName(types[i]), reason));
					}
				}
				String reason = check(method.getGenericReturnType(), true, method, service, codec);
				if (reason != null) {
					problems.add(new Problem(service, method, "return type", shortName(method.getGenericReturnType()),
							reason));
				}
			}
		}
		if (!problems.isEmpty()) {
			throw new UnsupportedSignatureException(pool, problems);
		}
	}

	/** Why a parameter's or result's type cannot travel, or {@code null}. */
	private static @Nullable String check(Type type, boolean result, Method method, Class<?> service, JsonCodec codec) {
		if (result && (type == void.class || type == Void.class)) {
			return null;
		}
		if (type == InputStream.class) {
			return null;
		}
		Type travelling = type;
		String prefix = "";
		if (result && ASYNC_RESULTS.contains(raw(type).getName())) {
			if (!(type instanceof ParameterizedType parameterized)) {
				return "a raw " + raw(type).getSimpleName() + " does not say what value it completes with; declare it, "
						+ "such as " + raw(type).getSimpleName() + "<String> (or <Void> for none)";
			}
			travelling = parameterized.getActualTypeArguments()[0];
			if (travelling == Void.class) {
				return null;
			}
			prefix = "its value " + shortName(travelling) + ": ";
		}
		if (travelling instanceof Class<?> plain && !plain.isArray() && plain.getTypeParameters().length > 0) {
			return prefix + "a raw " + plain.getSimpleName() + " says nothing of what it holds, which would arrive as "
					+ "maps and lists; declare it, such as " + plain.getSimpleName() + "<String>";
		}
		TypeObstacle obstacle = codec.obstacle(codec.messageType(travelling, method.getDeclaringClass(), service),
				SignatureCheck::refused);
		if (obstacle == null) {
			return null;
		}
		String where = obstacle.path().isEmpty() ? "" : obstacle.path() + " (" + obstacle.type() + "): ";
		return prefix + where + obstacle.reason();
	}

	private static @Nullable String refused(Class<?> type) {
		for (Refused refused : REFUSED) {
			if (refused.matches().test(type)) {
				return refused.reason();
			}
		}
		return null;
	}

	private static Class<?> raw(Type type) {
		if (type instanceof Class<?> plain) {
			return plain;
		}
		if (type instanceof ParameterizedType parameterized) {
			return raw(parameterized.getRawType());
		}
		return Object.class;
	}

	/** A declared type in short form, such as {@code Map<String, List<Point>>}. */
	static String shortName(Type type) {
		if (type instanceof Class<?> plain) {
			return plain.getSimpleName();
		}
		if (type instanceof ParameterizedType parameterized) {
			return shortName(parameterized.getRawType()) + Arrays.stream(parameterized.getActualTypeArguments())
				.map(SignatureCheck::shortName)
				.collect(Collectors.joining(", ", "<", ">"));
		}
		if (type instanceof GenericArrayType array) {
			return shortName(array.getGenericComponentType()) + "[]";
		}
		if (type instanceof WildcardType wildcard) {
			Type[] lower = wildcard.getLowerBounds();
			Type[] upper = wildcard.getUpperBounds();
			return (lower.length > 0) ? "? super " + shortName(lower[0])
					: (upper.length > 0 && upper[0] != Object.class) ? "? extends " + shortName(upper[0]) : "?";
		}
		if (type instanceof TypeVariable<?> variable) {
			return variable.getName();
		}
		return type.getTypeName();
	}

	/**
	 * Types that cannot travel, and why.
	 *
	 * @param matches which classes
	 * @param reason why, and what to use instead
	 */
	private record Refused(Predicate<Class<?>> matches, String reason) {

		static Refused type(Class<?> type, String reason) {
			return new Refused(type::isAssignableFrom, reason);
		}

		/** A type that need not be on the classpath, and is then never met. */
		static Refused named(String name, String reason) {
			return new Refused((type) -> isOrExtends(type, name), reason);
		}

		private static boolean isOrExtends(@Nullable Class<?> type, String name) {
			if (type == null) {
				return false;
			}
			if (type.getName().equals(name) || isOrExtends(type.getSuperclass(), name)) {
				return true;
			}
			return Arrays.stream(type.getInterfaces()).anyMatch((candidate) -> isOrExtends(candidate, name));
		}

	}

}
