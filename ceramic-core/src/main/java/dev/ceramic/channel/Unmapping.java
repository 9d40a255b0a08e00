package dev.ceramic.channel;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * Unmaps a mapped buffer at once. The JDK unmaps a {@code MappedByteBuffer} only when the
 * garbage collector finds it unreachable, so a process that maps one shared-memory file
 * per large value would hold hundreds of megabytes of mappings, and their descriptors'
 * files, until the next collection. {@code sun.misc.Unsafe.invokeCleaner} (in the
 * {@code jdk.unsupported} module, which every JDK from 9 on exports) releases the mapping
 * now; the buffer must not be touched again.
 */
final class Unmapping {

	private static final @Nullable MethodHandle INVOKE_CLEANER = find();

	private Unmapping() {
	}

	/**
	 * Unmap a mapped buffer, or leave it to the garbage collector where the JDK offers no
	 * way.
	 * @param buffer the buffer, which the caller never touches again
	 */
	static void unmap(ByteBuffer buffer) {
		MethodHandle invokeCleaner = INVOKE_CLEANER;
		if (invokeCleaner == null || !buffer.isDirect()) {
			return;
		}
		try {
			invokeCleaner.invoke(buffer);
		}
		catch (Throwable ex) {
			// The mapping stays until the garbage collector releases it.
		}
	}

	/** Whether mappings are released at once. */
	static boolean isImmediate() {
		return INVOKE_CLEANER != null;
	}

	private static @Nullable MethodHandle find() {
		try {
			Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
			Field field = unsafeClass.getDeclaredField("theUnsafe");
			field.setAccessible(true);
			Object unsafe = field.get(null);
			return MethodHandles.lookup()
				.findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
				.bindTo(unsafe);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

}
