package dev.ceramic.channel;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import dev.ceramic.channel.JsonCodec.MessageType;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link JsonCodec}'s own path for scalars against plain Jackson: it must write the bytes
 * Jackson writes, and read every JSON text, plain or not, as Jackson reads it.
 */
class ScalarTests {

	private static final JsonMapper JACKSON = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private final JsonCodec codec = JsonCodec.defaults();

	private final Random random = new Random(20261123);

	@Test
	void writesTheJsonJacksonWrites() {
		List<Object> values = List.of(0, 1, -1, 9, 10, -10, 123456789, Integer.MAX_VALUE, Integer.MIN_VALUE, 0L, -1L,
				999_999_999_999_999_999L, Long.MAX_VALUE, Long.MIN_VALUE, true, false, "", "example.com",
				" spaces and ~ punctuation! ", "a\"quote", "back\\slash", "tab\there", "caf\u00e9", "\u007f",
				"\ud83d\ude00");
		for (Object value : values) {
			assertThat(json(this.codec.encode(value, value.getClass()))).as("encoded %s", value)
				.isEqualTo(new String(JACKSON.writeValueAsBytes(value), StandardCharsets.UTF_8));
		}
		for (int i = 0; i < 10_000; i++) {
			int number = this.random.nextInt();
			long wide = this.random.nextLong() >> this.random.nextInt(64);
			assertThat(json(this.codec.encode(number, int.class))).isEqualTo(Integer.toString(number));
			assertThat(json(this.codec.encode(wide, long.class))).isEqualTo(Long.toString(wide));
		}
	}

	@Test
	void leavesRoomForAHeader() {
		byte[] message = this.codec.encode(42, this.codec.messageType(int.class), 3);
		assertThat(Arrays.copyOf(message, 3)).containsOnly(0);
		Integer decoded = this.codec.decode(message, 3, message.length - 3, this.codec.messageType(int.class));
		assertThat(decoded).isEqualTo(42);
	}

	@Test
	void readsEveryTextAsJacksonDoes() {
		List<String> texts = List.of("0", "7", "-7", "42", "-0", "007", "1.0", "1e3", " 1", "1 ", "+1", "-", "",
				"123456789", "-123456789", "1234567890", "2147483647", "2147483648", "-2147483649",
				"999999999999999999", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "null",
				"true", "false", "True", "tru", "truex", "\"true\"", "\"\"", "\"abc\"", "\"a b~c!\"", "\"a\\\"b\"",
				"\"a\\nb\"", "\"\\u0041\"", "\"caf\u00e9\"", "\"unterminated", "\"", "x\"", "\"a\" ", "[1]", "{}",
				"\"1\"");
		for (Class<?> type : List.of(int.class, Integer.class, long.class, Long.class, boolean.class, Boolean.class,
				String.class)) {
			for (String text : texts) {
				assertReadAsJacksonDoes(text, type);
			}
		}
		for (int i = 0; i < 10_000; i++) {
			assertReadAsJacksonDoes(Long.toString(this.random.nextLong() >> this.random.nextInt(64)), long.class);
			assertReadAsJacksonDoes(Integer.toString(this.random.nextInt() >> this.random.nextInt(32)), int.class);
		}
	}

	@Test
	void aStringPastTheLimitStillFails() {
		JsonCodec limited = JsonCodec.create(JsonCodec.DEFAULT_MAX_NESTING_DEPTH, 10);
		MessageType string = limited.messageType(String.class);
		assertThat((String) limited.decode(limited.encode("0123456789", string), string)).isEqualTo("0123456789");
		assertThatExceptionOfType(MessageDecodingException.class)
			.isThrownBy(() -> limited.decode(limited.encode("0123456789a", string), string))
			.withMessageContaining("String value length");
	}

	@Test
	void aValueOfAnotherTypeIsLeftToJackson() {
		// An unchecked cast can put a Long where an int is declared; Jackson says no.
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.codec.encode(Long.MAX_VALUE, this.codec.messageType(int.class)));
	}

	private void assertReadAsJacksonDoes(String text, Class<?> type) {
		byte[] json = text.getBytes(StandardCharsets.UTF_8);
		byte[] message = new byte[4 + json.length];
		Frame.putInt(message, 0, json.length);
		System.arraycopy(json, 0, message, 4, json.length);
		Object expected;
		try {
			expected = JACKSON.readerFor(type).readValue(json);
		}
		catch (JacksonException ex) {
			Throwable thrown = catchThrowable(() -> this.codec.decode(message, this.codec.messageType(type)));
			assertThat(thrown).as("reading %s as %s", text, type).isInstanceOf(MessageDecodingException.class);
			return;
		}
		Object actual = this.codec.decode(message, this.codec.messageType(type));
		assertThat(actual).as("reading %s as %s", text, type).isEqualTo(expected);
	}

	private static String json(byte[] message) {
		int length = Frame.getInt(message, 0);
		assertThat(message).hasSize(4 + length);
		return new String(message, 4, length, StandardCharsets.UTF_8);
	}

}
