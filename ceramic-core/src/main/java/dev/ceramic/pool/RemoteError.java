package dev.ceramic.pool;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An exception thrown in a worker, as data: class name, message, stack trace and cause
 * chain. The application only ever reads these names; it never loads a class a worker
 * names, except the method's declared exceptions and a fixed list of JDK exceptions.
 *
 * @param className the exception's class name
 * @param message its message
 * @param stackTrace its stack trace, cut to {@value #MAX_FRAMES} frames
 * @param cause its cause, down to {@value #MAX_CAUSES} levels
 */
record RemoteError(String className, @Nullable String message, List<StackFrame> stackTrace,
		@Nullable RemoteError cause) {

	/** Frames kept of each stack trace: a stack overflow has thousands. */
	static final int MAX_FRAMES = 64;

	/** Causes kept of a chain. */
	static final int MAX_CAUSES = 8;

	/**
	 * A remote error comes from the wire: one without a class name or with holes in its
	 * stack is malformed, and fails its decoding rather than the caller's translation.
	 */
	public RemoteError {
		if (className == null || className.isEmpty()) {
			throw new IllegalArgumentException("A remote error needs a class name");
		}
		if (stackTrace == null) {
			throw new IllegalArgumentException("A remote error needs a stack trace, if an empty one");
		}
		for (StackFrame frame : stackTrace) {
			if (frame == null) {
				throw new IllegalArgumentException("A remote error's stack trace has a null frame");
			}
		}
		stackTrace = List.copyOf(stackTrace);
	}

	/**
	 * Describe a throwable as data.
	 * @param throwable the throwable
	 * @return the description
	 */
	static RemoteError of(Throwable throwable) {
		return of(throwable, 0, new IdentityHashMap<>());
	}

	private static RemoteError of(Throwable throwable, int depth, Map<Throwable, Boolean> seen) {
		seen.put(throwable, Boolean.TRUE);
		List<StackFrame> frames = new ArrayList<>();
		StackTraceElement[] elements = throwable.getStackTrace();
		for (int i = 0; i < Math.min(elements.length, MAX_FRAMES); i++) {
			StackTraceElement element = elements[i];
			frames.add(new StackFrame(element.getClassName(), element.getMethodName(), element.getFileName(),
					element.getLineNumber()));
		}
		Throwable cause = throwable.getCause();
		RemoteError remoteCause = (cause != null && depth < MAX_CAUSES && !seen.containsKey(cause))
				? of(cause, depth + 1, seen) : null;
		return new RemoteError(throwable.getClass().getName(), throwable.getMessage(), frames, remoteCause);
	}

	/**
	 * Return the stack trace as JDK elements.
	 * @return the elements
	 */
	StackTraceElement[] stackTraceElements() {
		StackTraceElement[] elements = new StackTraceElement[this.stackTrace.size()];
		for (int i = 0; i < elements.length; i++) {
			StackFrame frame = this.stackTrace.get(i);
			elements[i] = new StackTraceElement(frame.className(), frame.methodName(), frame.fileName(),
					frame.lineNumber());
		}
		return elements;
	}

	/**
	 * One frame of a remote stack trace.
	 *
	 * @param className the class
	 * @param methodName the method
	 * @param fileName the source file, if known
	 * @param lineNumber the line, or a negative number
	 */
	record StackFrame(String className, String methodName, @Nullable String fileName, int lineNumber) {

		public StackFrame {
			if (className == null || methodName == null) {
				throw new IllegalArgumentException("A stack frame needs a class and a method name");
			}
		}

	}

}
