package dev.ceramic.sample;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import org.jspecify.annotations.Nullable;

/**
 * The few C library functions the sample calls through JNA.
 */
interface LibC extends Library {

	LibC INSTANCE = Native.load("c", LibC.class);

	int getaddrinfo(String node, @Nullable String service, @Nullable Pointer hints, PointerByReference result);

	void freeaddrinfo(Pointer result);

	Pointer gai_strerror(int error);

	long strlen(Pointer string);

	int sleep(int seconds);

}
