package dev.ceramic.test.pool;

import java.io.IOException;
import java.util.List;

/**
 * The implementation of {@link Calculator}, run in worker JVMs.
 */
public class CalculatorService implements Calculator {

	@Override
	public int add(int a, int b) {
		return a + b;
	}

	@Override
	public List<Point> scale(List<Point> points, int factor) {
		return points.stream().map((p) -> new Point(p.x() * factor, p.y() * factor)).toList();
	}

	@Override
	public byte[] reverse(byte[] bytes) {
		byte[] reversed = new byte[bytes.length];
		for (int i = 0; i < bytes.length; i++) {
			reversed[i] = bytes[bytes.length - 1 - i];
		}
		return reversed;
	}

	@Override
	public Blob echoBlob(Blob blob) {
		return new Blob(blob.name() + "!", blob.data());
	}

	@Override
	public long pid() {
		return ProcessHandle.current().pid();
	}

	@Override
	public void fail(String message) throws IOException {
		throw new IOException(message);
	}

	@Override
	public void failUndeclared(String message) {
		throw new CustomFailure(message);
	}

	@Override
	public int recurse(int depth) {
		return (depth == 0) ? 0 : 1 + recurse(depth - 1);
	}

	@Override
	public String describe(Label value) {
		return "label " + value.text();
	}

	/** An exception type the caller never loads. */
	static class CustomFailure extends RuntimeException {

		CustomFailure(String message) {
			super(message);
		}

	}

}
