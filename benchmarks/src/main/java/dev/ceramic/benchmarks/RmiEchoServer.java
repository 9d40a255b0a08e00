package dev.ceramic.benchmarks;

import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;

/**
 * The child JVM of the payload benchmark's RMI baseline: exports a {@code byte[]} echo
 * over Java RMI, with a registry on the loopback port given as its argument, prints
 * {@code ready} and serves until its standard input closes.
 */
public final class RmiEchoServer {

	static final String NAME = "echo";

	private RmiEchoServer() {
	}

	/** {@link Payloads}' echo as an RMI remote interface. */
	public interface RemoteEcho extends Remote {

		byte[] echo(byte[] bytes) throws RemoteException;

	}

	static final class Exported implements RemoteEcho {

		@Override
		public byte[] echo(byte[] bytes) {
			return bytes;
		}

	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		RmiAdderServer.Loopback sockets = new RmiAdderServer.Loopback();
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
