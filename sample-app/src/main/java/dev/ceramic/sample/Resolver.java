package dev.ceramic.sample;

import java.util.List;

/**
 * Resolves host names with the C library's {@code getaddrinfo}, which may block for as
 * long as the system's resolver likes: the classic call that never returns.
 */
public interface Resolver {

	/**
	 * Resolve a host name.
	 * @param host the name
	 * @return the addresses and who resolved them
	 * @throws UnknownHostException if the name does not resolve
	 */
	Resolution resolve(String host) throws UnknownHostException;

	/**
	 * The addresses of a host.
	 *
	 * @param host the name
	 * @param addresses its addresses, IPv4 and IPv6
	 * @param workerPid the pid of the worker that resolved it
	 */
	record Resolution(String host, List<String> addresses, long workerPid) {

	}

	/**
	 * A name that does not resolve. Declared, so it comes back from the worker as itself.
	 */
	class UnknownHostException extends Exception {

		private static final long serialVersionUID = 1L;

		public UnknownHostException(String message) {
			super(message);
		}

	}

}
