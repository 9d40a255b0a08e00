package dev.ceramic.sample;

import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.ceramic.spring.OutOfProcess;

/**
 * Resolves names with {@code getaddrinfo}, in the workers of the {@code native} pool.
 */
@OutOfProcess(pool = "native")
public class NativeResolver implements Resolver {

	// struct addrinfo on 64-bit Linux.
	private static final int AI_FAMILY = 4;

	private static final int AI_ADDR = 24;

	private static final int AI_NEXT = 40;

	private static final int AF_INET = 2;

	private static final int AF_INET6 = 10;

	@Override
	public Resolution resolve(String host) throws UnknownHostException {
		PointerByReference result = new PointerByReference();
		int error = LibC.INSTANCE.getaddrinfo(host, null, null, result);
		if (error != 0) {
			throw new UnknownHostException(
					"getaddrinfo(" + host + ") failed: " + LibC.INSTANCE.gai_strerror(error).getString(0));
		}
		Set<String> addresses = new LinkedHashSet<>();
		try {
			for (Pointer info = result.getValue(); info != null; info = info.getPointer(AI_NEXT)) {
				int family = info.getInt(AI_FAMILY);
				Pointer address = info.getPointer(AI_ADDR);
				if (family == AF_INET) {
					addresses.add(format(address.getByteArray(4, 4)));
				}
				else if (family == AF_INET6) {
					addresses.add(format(address.getByteArray(8, 16)));
				}
			}
		}
		finally {
			LibC.INSTANCE.freeaddrinfo(result.getValue());
		}
		return new Resolution(host, List.copyOf(addresses), ProcessHandle.current().pid());
	}

	private static String format(byte[] address) {
		try {
			return InetAddress.getByAddress(address).getHostAddress();
		}
		catch (java.net.UnknownHostException ex) {
			throw new IllegalStateException("getaddrinfo returned an address of " + address.length + " bytes", ex);
		}
	}

}
