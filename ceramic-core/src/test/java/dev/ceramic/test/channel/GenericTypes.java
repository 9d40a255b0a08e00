package dev.ceramic.test.channel;

import java.lang.reflect.Type;
import java.util.List;

/**
 * Generic types for typed channels, taken from a method's generic return type.
 */
public final class GenericTypes {

	/** {@code List<TypedPoint>}. */
	public static final Type POINTS = genericReturnType("points");

	private GenericTypes() {
	}

	/**
	 * Declares the type of {@link #POINTS}; never called.
	 * @return nothing useful
	 */
	public static List<TypedPoint> points() {
		throw new UnsupportedOperationException();
	}

	private static Type genericReturnType(String method) {
		try {
			return GenericTypes.class.getMethod(method).getGenericReturnType();
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
