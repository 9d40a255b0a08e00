package dev.ceramic.pool;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.ceramic.channel.JsonCodec;
import dev.ceramic.channel.JsonCodec.MessageType;
import org.jspecify.annotations.Nullable;

/**
 * The remotely invocable methods of a pool's service interfaces, numbered the same way in
 * the application and in every worker: services in their declared order, and within each
 * the interface's abstract methods sorted by signature. Resolved once, so that a call
 * looks its method up in a map instead of reflecting. Only these methods can ever be
 * invoked in a worker.
 */
final class MethodTable {

	private final List<Entry> entries;

	private final Map<Method, Entry>[] byMethod;

	private final String fingerprint;

	@SuppressWarnings("unchecked")
	private MethodTable(List<Entry> entries, int services) {
		this.entries = List.copyOf(entries);
		this.byMethod = new Map[services];
		for (int i = 0; i < services; i++) {
			this.byMethod[i] = new HashMap<>();
		}
		for (Entry entry : entries) {
			this.byMethod[entry.serviceIndex()].put(entry.method(), entry);
		}
		this.fingerprint = fingerprint(entries);
	}

	/**
	 * Build the table for service interfaces.
	 * @param serviceInterfaces the interfaces, in the pool's order
	 * @param codec the codec whose types are resolved up front
	 * @return the table
	 */
	static MethodTable of(List<Class<?>> serviceInterfaces, JsonCodec codec) {
		List<Entry> entries = new ArrayList<>();
		for (int service = 0; service < serviceInterfaces.size(); service++) {
			Class<?> type = serviceInterfaces.get(service);
			List<Method> methods = Arrays.stream(type.getMethods())
				.filter(MethodTable::isRemote)
				.sorted(Comparator.comparing(MethodTable::signature))
				.toList();
			for (Method method : methods) {
				Type[] parameters = method.getGenericParameterTypes();
				MessageType[] parameterTypes = new MessageType[parameters.length];
				for (int i = 0; i < parameters.length; i++) {
					parameterTypes[i] = codec.messageType(parameters[i], method.getDeclaringClass(), type);
				}
				// Inherited from a generic interface, T means the type argument the
				// service interface gives it. A future's value travels as its T.
				ReturnStyle style = ReturnStyle.of(method.getReturnType());
				MessageType returnType = codec.messageType(style.valueType(method.getGenericReturnType()),
						method.getDeclaringClass(), type);
				entries.add(new Entry(entries.size(), service, type, method, parameterTypes, returnType,
						method.getReturnType() == void.class, style));
			}
		}
		return new MethodTable(entries, serviceInterfaces.size());
	}

	/**
	 * Whether a method of a service interface is run in a worker: abstract instance
	 * methods are; default, static and {@code Object} methods run where they are called.
	 * @param method the method
	 * @return whether it is remote
	 */
	static boolean isRemote(Method method) {
		return Modifier.isAbstract(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())
				&& method.getDeclaringClass() != Object.class;
	}

	/**
	 * Return a method's signature as used for numbering: name and parameter types.
	 * @param method the method
	 * @return the signature
	 */
	static String signature(Method method) {
		return method.getName() + Arrays.stream(method.getParameterTypes())
			.map(Class::getTypeName)
			.collect(Collectors.joining(",", "(", ")"));
	}

	/**
	 * Let reflection call methods of interfaces that are not public, such as nested ones.
	 */
	void makeAccessible() {
		for (Entry entry : this.entries) {
			try {
				entry.method().setAccessible(true);
			}
			catch (RuntimeException ex) {
				// The call itself will report that the method is inaccessible.
			}
		}
	}

	/**
	 * Return the entry with an id.
	 * @param id the id
	 * @return the entry, or {@code null} when no method has that id
	 */
	@Nullable Entry byId(int id) {
		return (id >= 0 && id < this.entries.size()) ? this.entries.get(id) : null;
	}

	/**
	 * Return all entries of one service.
	 * @param serviceIndex the service's index
	 * @return the entries by method
	 */
	Map<Method, Entry> entriesOf(int serviceIndex) {
		return Map.copyOf(this.byMethod[serviceIndex]);
	}

	/**
	 * Return a digest of every numbered signature, return types included. Worker and
	 * application compare it during the handshake, so that a worker running other
	 * versions of the interfaces is refused instead of invoking the wrong method.
	 * @return the fingerprint
	 */
	String fingerprint() {
		return this.fingerprint;
	}

	private static String fingerprint(List<Entry> entries) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			for (Entry entry : entries) {
				String line = entry.serviceInterface().getName() + "#" + entry.method().getGenericReturnType() + " "
						+ signature(entry.method()) + "\n";
				digest.update(line.getBytes(StandardCharsets.UTF_8));
			}
			return HexFormat.of().formatHex(digest.digest(), 0, 12);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JDK", ex);
		}
	}

	/**
	 * One remotely invocable method.
	 *
	 * @param id the number used on the wire
	 * @param serviceIndex the index of its service in the pool
	 * @param serviceInterface the interface
	 * @param method the method
	 * @param parameterTypes the resolved generic parameter types
	 * @param returnType the resolved generic type of the value that travels: the return
	 * type, or the {@code T} of a future or {@code Mono}
	 * @param isVoid whether the method returns nothing
	 * @param style whether the caller gets the value or a future of it
	 */
	record Entry(int id, int serviceIndex, Class<?> serviceInterface, Method method, MessageType[] parameterTypes,
			MessageType returnType, boolean isVoid, ReturnStyle style) {

		/**
		 * Describe the method for messages, as {@code Interface.method(Type, Type)}.
		 * @return the description
		 */
		String describe() {
			return this.serviceInterface.getSimpleName() + "." + this.method.getName()
					+ Arrays.stream(this.method.getParameterTypes())
						.map(Class::getSimpleName)
						.collect(Collectors.joining(", ", "(", ")"));
		}

		/**
		 * Whether a parameter is an {@code InputStream}, which travels as a descriptor
		 * rather than as JSON.
		 */
		boolean isStream(int parameter) {
			return this.method.getParameterTypes()[parameter] == InputStream.class;
		}

		/**
		 * Whether the method returns an {@code InputStream}, which the worker pumps into
		 * a pipe the caller reads.
		 */
		boolean returnsStream() {
			return this.method.getReturnType() == InputStream.class;
		}

	}

}
