package dev.ceramic.process;

import org.jspecify.annotations.Nullable;

/**
 * Sizes in JVM options, such as the {@code 512m} of {@code -Xmx512m}: digits, then
 * optionally {@code k}, {@code m}, {@code g} or {@code t} in either case.
 */
public final class JvmSize {

	private JvmSize() {
	}

	/**
	 * Parse a size.
	 * @param size the size, without its option
	 * @return the bytes, or {@code null} if it does not parse (the JVM refuses it then)
	 */
	public static @Nullable Long parse(String size) {
		if (size.isEmpty()) {
			return null;
		}
		char unit = Character.toLowerCase(size.charAt(size.length() - 1));
		int shift = switch (unit) {
			case 'k' -> 10;
			case 'm' -> 20;
			case 'g' -> 30;
			case 't' -> 40;
			default -> 0;
		};
		String digits = (shift > 0) ? size.substring(0, size.length() - 1) : size;
		try {
			return Long.parseLong(digits) << shift;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
