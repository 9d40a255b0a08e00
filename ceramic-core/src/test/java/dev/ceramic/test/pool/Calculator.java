package dev.ceramic.test.pool;

import java.io.IOException;
import java.util.List;

/**
 * A service interface for pool tests.
 */
public interface Calculator {

	int add(int a, int b);

	List<Point> scale(List<Point> points, int factor);

	byte[] reverse(byte[] bytes);

	Blob echoBlob(Blob blob);

	long pid();

	void fail(String message) throws IOException;

	void failUndeclared(String message);

	int recurse(int depth);

	String describe(Label value);

	default int addTwice(int a, int b) {
		return add(add(a, b), b);
	}

	/**
	 * A value type.
	 *
	 * @param x the x coordinate
	 * @param y the y coordinate
	 */
	record Point(int x, int y) {

	}

	/**
	 * A value with a byte array inside.
	 *
	 * @param name a name
	 * @param data the bytes
	 */
	record Blob(String name, byte[] data) {

	}

	/**
	 * A value that cannot be encoded when its text is {@code unreadable}: its accessor
	 * throws, as a getter with a bug would.
	 *
	 * @param text the text
	 */
	record Label(String text) {

		@Override
		public String text() {
			if (this.text.equals("unreadable")) {
				throw new IllegalStateException("this label cannot be read");
			}
			return this.text;
		}

	}

}
