package dev.ceramic.channel;

import java.io.FileDescriptor;
import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.ceramic.platform.Platform;

import org.newsclub.net.unix.AFAddressFamily;
import org.newsclub.net.unix.AFDatagramChannel;
import org.newsclub.net.unix.AFSelectorProvider;
import org.newsclub.net.unix.AFServerSocketChannel;
import org.newsclub.net.unix.AFSocket;
import org.newsclub.net.unix.AFSocketCapability;
import org.newsclub.net.unix.AFSocketChannel;
import org.newsclub.net.unix.AFSocketPair;
import org.newsclub.net.unix.AFSocketType;
import org.newsclub.net.unix.AFSomeSocket;
import org.newsclub.net.unix.AFUNIXProtocolFamily;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * Makes the two connected AF_UNIX sockets under a new channel with {@code socketpair(2)}:
 * no name is bound anywhere, so no other process can reach either end.
 *
 * <p>
 * junixsocket's {@code AFUNIXSocketPair.open()} leaks two descriptors a call. Before its
 * {@code socketpair(2)} it asks each of two new sockets for its core, which gives each
 * one a descriptor from {@code socket(2)}; the socketpair's descriptors then overwrite
 * those two in the sockets' {@link FileDescriptor}s, and nothing closes them. The pair is
 * made here by the same junixsocket code, through a {@link Maker} that creates each
 * socket's first descriptor itself, notes its number and the socket it names, and closes
 * that number once the socketpair's has replaced it, but only while it still names that
 * socket.
 *
 * <p>
 * The identity guards against a junixsocket that closes the replaced descriptor itself:
 * its number may then already name another thread's file or socket, which a close by
 * number alone would close. A socket's identity is its inode as Linux's
 * {@code /proc/self/fd} shows it ({@code socket:[4711]}). While the number still names
 * that socket, nothing but this class holds it, so nothing can close or reuse it between
 * the check and the close. Where {@link Platform.Capability#DESCRIPTOR_INSPECTION} is
 * missing, the identity cannot be read, and the two descriptors are left open: a leak of
 * two descriptors per channel is safer than a close that might hit someone else's.
 */
final class SocketPair {

	private SocketPair() {
	}

	/**
	 * Return two AF_UNIX stream sockets connected to each other.
	 * @return this end's socket, then the other end's
	 * @throws IOException if the socketpair cannot be made
	 */
	static AFUNIXSocket[] connected() throws IOException {
		if (!AFSocket.supports(AFSocketCapability.CAPABILITY_UNSAFE)) {
			// Closing a descriptor by its number is one of junixsocket's unsafe
			// operations.
			throw new IOException("junixsocket's unsafe operations are disabled, and ceramic needs them to close the "
					+ "descriptors that junixsocket's socketpair leaves open; remove the system property "
					+ "org.newsclub.net.unix.library.disable.CAPABILITY_UNSAFE");
		}
		Maker maker = new Maker();
		try {
			maker.openSocketChannelPair();
			maker.closeReplaced();
			return maker.sockets();
		}
		catch (IOException | RuntimeException ex) {
			maker.closeAll();
			throw ex;
		}
	}

	/**
	 * Return what a descriptor of this process names, such as {@code socket:[4711]}.
	 * @param number the descriptor's number
	 * @return what it names, or empty where
	 * {@link Platform.Capability#DESCRIPTOR_INSPECTION} is missing or the number is not
	 * open
	 */
	static Optional<String> identity(int number) {
		if (!Platform.supports(Platform.Capability.DESCRIPTOR_INSPECTION)) {
			return Optional.empty();
		}
		try {
			return Optional.of(Files.readSymbolicLink(Path.of("/proc/self/fd/" + number)).toString());
		}
		catch (IOException | UnsupportedOperationException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Close a descriptor by its number if it still names what it named when noted.
	 * @param number the descriptor's number
	 * @param identity what it named then, from {@link #identity(int)}
	 * @return whether it was closed
	 * @throws IOException if junixsocket cannot make a descriptor of the number
	 */
	static boolean closeIfStill(int number, String identity) throws IOException {
		if (!identity(number).equals(Optional.of(identity))) {
			return false;
		}
		Descriptors.closeQuietly(FileDescriptorCast.unsafeUsing(number).getFileDescriptor());
		return true;
	}

	/**
	 * A selector provider that only makes socket pairs: junixsocket's
	 * {@code openSocketChannelPair()} takes its two sockets from {@link #newSocket()},
	 * which creates each one's descriptor and notes the number.
	 */
	private static final class Maker extends AFSelectorProvider<AFUNIXSocketAddress> {

		private final List<AFUNIXSocket> sockets = new ArrayList<>(2);

		/** The number of each socket's first descriptor, -1 once it is closed. */
		private final List<Integer> numbers = new ArrayList<>(2);

		/** What each socket's first descriptor named, where that can be read. */
		private final List<Optional<String>> identities = new ArrayList<>(2);

		@Override
		protected AFSocket<AFUNIXSocketAddress> newSocket() throws IOException {
			AFUNIXSocket socket = AFUNIXSocket.newInstance();
			try {
				// junixsocket creates a socket's descriptor when first asked for an
				// option.
				socket.getSoTimeout();
				int number = number(socket.getFileDescriptor());
				this.sockets.add(socket);
				this.numbers.add(number);
				this.identities.add(identity(number));
				return socket;
			}
			catch (IOException | RuntimeException ex) {
				socket.close();
				throw ex;
			}
		}

		/**
		 * Close the descriptor each socket was created with, where the socketpair's has
		 * replaced it and the number still names the socket it was created for.
		 */
		void closeReplaced() throws IOException {
			for (int i = 0; i < this.sockets.size(); i++) {
				int first = this.numbers.get(i);
				FileDescriptor now = this.sockets.get(i).getFileDescriptor();
				if (first >= 0 && now.valid() && number(now) != first) {
					Optional<String> identity = this.identities.get(i);
					if (identity.isPresent()) {
						closeIfStill(first, identity.get());
					}
					this.numbers.set(i, -1);
				}
			}
		}

		/** Close every descriptor this maker created or was given, for a failed pair. */
		void closeAll() {
			try {
				closeReplaced();
			}
			catch (IOException ex) {
				// Closing the sockets below is all that is left to do.
			}
			for (AFUNIXSocket socket : this.sockets) {
				try {
					socket.close();
				}
				catch (IOException ex) {
					// The descriptor is released either way.
				}
			}
		}

		AFUNIXSocket[] sockets() throws IOException {
			if (this.sockets.size() != 2) {
				throw new IOException("junixsocket made a socket pair from " + this.sockets.size() + " sockets");
			}
			return new AFUNIXSocket[] { this.sockets.get(0), this.sockets.get(1) };
		}

		private static int number(FileDescriptor fd) throws IOException {
			return FileDescriptorCast.using(fd).as(Integer.class);
		}

		@Override
		protected <Y extends AFSomeSocket> AFSocketPair<Y> newSocketPair(Y first, Y second) {
			return new Pair<>(first, second);
		}

		@Override
		protected ProtocolFamily protocolFamily() {
			return AFUNIXProtocolFamily.UNIX;
		}

		@Override
		protected AFAddressFamily<AFUNIXSocketAddress> addressFamily() {
			return AFUNIXSocketAddress.addressFamily();
		}

		@Override
		public AFSocketChannel<AFUNIXSocketAddress> openSocketChannel(SocketAddress address) {
			throw onlyPairs();
		}

		@Override
		public AFServerSocketChannel<AFUNIXSocketAddress> openServerSocketChannel() {
			throw onlyPairs();
		}

		@Override
		public AFServerSocketChannel<AFUNIXSocketAddress> openServerSocketChannel(SocketAddress address) {
			throw onlyPairs();
		}

		@Override
		public AFDatagramChannel<AFUNIXSocketAddress> openDatagramChannel() {
			throw onlyPairs();
		}

		@Override
		public AFDatagramChannel<AFUNIXSocketAddress> openDatagramChannel(AFSocketType type) {
			throw onlyPairs();
		}

		private static UnsupportedOperationException onlyPairs() {
			return new UnsupportedOperationException("This provider only makes socket pairs");
		}

	}

	/** The pair junixsocket returns; its sockets are the {@link Maker}'s. */
	private static final class Pair<Y extends AFSomeSocket> extends AFSocketPair<Y> {

		Pair(Y first, Y second) {
			super(first, second);
		}

	}

}
