package dev.ceramic.channel;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * The scalar types that {@link JsonCodec} writes and reads without Jackson: {@code int},
 * {@code long}, {@code boolean} (and their wrappers) and {@code String}. A small call's
 * arguments and result are mostly these, and setting Jackson up for one such value (a
 * generator or parser, its buffers and contexts) costs several times what the value
 * itself does.
 *
 * <p>
 * The bytes written are the JSON that Jackson writes for the same value. Reading takes
 * only that exact form; anything else (whitespace, {@code null}, an escape or a non-ASCII
 * character in a string, a number too long to parse here) is left to Jackson, so the two
 * paths cannot disagree on what a message means or on what is malformed.
 */
enum Scalar {

	INT, LONG, BOOLEAN, STRING;

	// Longer numbers are left to Jackson, which checks their range.
	private static final int MAX_INT_DIGITS = 9;

	private static final int MAX_LONG_DIGITS = 18;

	// Outside the range of any number parsed here.
	private static final long NOT_CANONICAL = Long.MIN_VALUE;

	private static final byte[] TRUE = { 't', 'r', 'u', 'e' };

	private static final byte[] FALSE = { 'f', 'a', 'l', 's', 'e' };

	/**
	 * Return the scalar for a declared type.
	 * @param type the declared type's raw class
	 * @return the scalar, or {@code null} if the type is not one
	 */
	static @Nullable Scalar of(Class<?> type) {
		if (type == int.class || type == Integer.class) {
			return INT;
		}
		if (type == long.class || type == Long.class) {
			return LONG;
		}
		if (type == boolean.class || type == Boolean.class) {
			return BOOLEAN;
		}
		if (type == String.class) {
			return STRING;
		}
		return null;
	}

	/**
	 * Encode a value in {@link JsonCodec}'s message form: {@code headroom} free bytes,
	 * the JSON's length, the JSON.
	 * @param value the value
	 * @param headroom how many bytes to leave free at the start
	 * @return the message, or {@code null} if Jackson must encode this value
	 */
	byte @Nullable [] encode(Object value, int headroom) {
		return switch (this) {
			case INT -> (value instanceof Integer number) ? number(number, headroom) : null;
			case LONG -> (value instanceof Long number) ? number(number, headroom) : null;
			case BOOLEAN -> (value instanceof Boolean bool) ? ascii(bool ? TRUE : FALSE, headroom) : null;
			case STRING -> (value instanceof String string) ? string(string, headroom) : null;
		};
	}

	/**
	 * Decode the JSON of a message that has no attachments.
	 * @param bytes the array
	 * @param offset where the JSON starts
	 * @param length the JSON's length
	 * @param maxStringLength the codec's limit on a string's length
	 * @return the value, or {@code null} if Jackson must decode this JSON
	 */
	@Nullable Object decode(byte[] bytes, int offset, int length, int maxStringLength) {
		return switch (this) {
			case INT -> {
				long number = parseNumber(bytes, offset, length, MAX_INT_DIGITS);
				yield (number != NOT_CANONICAL) ? (Object) (int) number : null;
			}
			case LONG -> {
				long number = parseNumber(bytes, offset, length, MAX_LONG_DIGITS);
				yield (number != NOT_CANONICAL) ? (Object) number : null;
			}
			case BOOLEAN -> equals(bytes, offset, length, TRUE) ? Boolean.TRUE
					: equals(bytes, offset, length, FALSE) ? Boolean.FALSE : null;
			case STRING -> parseString(bytes, offset, length, maxStringLength);
		};
	}

	private static byte[] number(long number, int headroom) {
		// Long.MIN_VALUE has no positive counterpart: write it through its string.
		if (number == Long.MIN_VALUE) {
			return ascii(Long.toString(number).getBytes(StandardCharsets.US_ASCII), headroom);
		}
		long magnitude = Math.abs(number);
		int digits = 1;
		for (long rest = magnitude / 10; rest != 0; rest /= 10) {
			digits++;
		}
		int length = digits + ((number < 0) ? 1 : 0);
		byte[] message = prefixed(length, headroom);
		int end = headroom + 4 + length;
		do {
			message[--end] = (byte) ('0' + magnitude % 10);
			magnitude /= 10;
		}
		while (magnitude != 0);
		if (number < 0) {
			message[--end] = '-';
		}
		return message;
	}

	private static byte[] ascii(byte[] json, int headroom) {
		byte[] message = prefixed(json.length, headroom);
		System.arraycopy(json, 0, message, headroom + 4, json.length);
		return message;
	}

	private static byte @Nullable [] string(String string, int headroom) {
		int length = string.length();
		// Looked at first, so that a long string with an escape is not copied for
		// nothing.
		for (int i = 0; i < length; i++) {
			if (!plain(string.charAt(i))) {
				return null;
			}
		}
		byte[] message = prefixed(length + 2, headroom);
		int start = headroom + 4;
		message[start] = '"';
		for (int i = 0; i < length; i++) {
			message[start + 1 + i] = (byte) string.charAt(i);
		}
		message[start + length + 1] = '"';
		return message;
	}

	private static byte[] prefixed(int jsonLength, int headroom) {
		byte[] message = new byte[headroom + 4 + jsonLength];
		Frame.putInt(message, headroom, jsonLength);
		return message;
	}

	/**
	 * Parse an integer in the form Jackson writes it: an optional minus and at most
	 * {@code maxDigits} digits, without leading zeros.
	 */
	private static long parseNumber(byte[] bytes, int offset, int length, int maxDigits) {
		int end = offset + length;
		boolean negative = length > 0 && bytes[offset] == '-';
		int start = negative ? offset + 1 : offset;
		int digits = end - start;
		if (digits < 1 || digits > maxDigits || (bytes[start] == '0' && (digits > 1 || negative))) {
			return NOT_CANONICAL;
		}
		long number = 0;
		for (int i = start; i < end; i++) {
			int digit = bytes[i] - '0';
			if (digit < 0 || digit > 9) {
				return NOT_CANONICAL;
			}
			number = number * 10 + digit;
		}
		return negative ? -number : number;
	}

	private static @Nullable String parseString(byte[] bytes, int offset, int length, int maxStringLength) {
		int characters = length - 2;
		if (characters < 0 || characters > maxStringLength || bytes[offset] != '"'
				|| bytes[offset + length - 1] != '"') {
			return null;
		}
		for (int i = offset + 1; i < offset + length - 1; i++) {
			if (!plain((char) bytes[i])) {
				return null;
			}
		}
		return new String(bytes, offset + 1, characters, StandardCharsets.US_ASCII);
	}

	/**
	 * A character that JSON holds as itself, in one byte: printable ASCII but quote and
	 * backslash.
	 */
	private static boolean plain(char c) {
		return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
	}

	private static boolean equals(byte[] bytes, int offset, int length, byte[] expected) {
		if (length != expected.length) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			if (bytes[offset + i] != expected[i]) {
				return false;
			}
		}
		return true;
	}

}
