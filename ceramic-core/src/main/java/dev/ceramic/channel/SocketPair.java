package dev.ceramic.channel;

import java.io.IOException;

import dev.ceramic.platform.Platform;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

/**
 * Makes the two connected AF_UNIX sockets under a new channel, without leaking
 * descriptors where the system allows.
 *
 * <p>
 * junixsocket's {@code AFUNIXSocketPair.open()} leaks two descriptors each call (it opens
 * two sockets, then overwrites their descriptors with the socketpair's without closing
 * them), so a pool would leak two for every worker it starts. Where the abstract
 * namespace exists, the pair is made through a one-off listener there instead: no file, a
 * random name, and only a connection from this process is taken.
 */
final class SocketPair {

	private SocketPair() {
	}

	/**
	 * Return two AF_UNIX stream sockets connected to each other.
	 * @return this end's socket, then the other end's
	 */
	static AFUNIXSocket[] connected() throws IOException {
		if (!Platform.supports(Platform.Capability.ABSTRACT_NAMESPACE)) {
			AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
			return new AFUNIXSocket[] { (AFUNIXSocket) pair.getSocket1().socket(),
					(AFUNIXSocket) pair.getSocket2().socket() };
		}
		AFUNIXSocketAddress address = AFUNIXSocketAddress.inAbstractNamespace(Platform.abstractSocketName("chan"));
		long self = ProcessHandle.current().pid();
		try (AFUNIXServerSocket listener = AFUNIXServerSocket.bindOn(address)) {
			AFUNIXSocket mine = AFUNIXSocket.connectTo(address);
			try {
				for (int attempt = 0; attempt < 8; attempt++) {
					AFUNIXSocket theirs = listener.accept();
					if (theirs.getPeerCredentials().getPid() == self) {
						return new AFUNIXSocket[] { mine, theirs };
					}
					// Another process connected to the name first.
					theirs.close();
				}
				throw new IOException("other processes kept connecting to the listener at " + address);
			}
			catch (IOException | RuntimeException ex) {
				mine.close();
				throw ex;
			}
		}
	}

}
