package dev.ceramic.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;

/**
 * The child JVM of the RMI baseline: exports {@link Adder.Impl} as {@link RemoteAdder}
 * over Java RMI, with a registry on the loopback port given as its argument, prints
 * {@code ready} and serves until its standard input closes.
 */
public final class RmiAdderServer {

	static final String NAME = "adder";

	private RmiAdderServer() {
	}

	/** {@link Adder}'s small call as an RMI remote interface. */
	public interface RemoteAdder extends Remote {

		int add(int a, int b) throws RemoteException;

	}

	static final class Exported implements RemoteAdder {

		private final Adder adder = new Adder.Impl();

		@Override
		public int add(int a, int b) {
			return this.adder.add(a, b);
		}

	}

	/** Server sockets on 127.0.0.1 only. */
	record Loopback() implements RMIServerSocketFactory {

		@Override
		public ServerSocket createServerSocket(int port) throws IOException {
			return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
		}

	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		Loopback sockets = new Loopback();
		Exported exported = new Exported();
		Registry registry = LocateRegistry.createRegistry(port, null, sockets);
		registry.rebind(NAME, UnicastRemoteObject.exportObject(exported, 0, null, sockets));
		System.out.println("ready");
		System.out.flush();
		while (System.in.read() >= 0) {
			// Serve until the parent closes our standard input or kills us.
		}
		System.exit(0);
	}

}
