package dev.ceramic.test;

import java.lang.reflect.Type;
import java.util.List;

/**
 * Generic types for typed channels, taken from a method's generic return type.
 */
public final class TypedTestTypes {

	/** {@code List<TypedTestPoint>}. */
	public static final Type POINTS = genericReturnType("points");

	private TypedTestTypes() {
	}

	/**
	 * Declares the type of {@link #POINTS}; never called.
	 * @return nothing useful
	 */
	public static List<TypedTestPoint> points() {
		throw new UnsupportedOperationException();
	}

	private static Type genericReturnType(String method) {
		try {
			return TypedTestTypes.class.getMethod(method).getGenericReturnType();
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
