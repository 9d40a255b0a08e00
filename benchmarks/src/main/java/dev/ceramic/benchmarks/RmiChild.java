package dev.ceramic.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.rmi.Remote;
import java.rmi.registry.LocateRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running an RMI server of the benchmarks, and the stub to call it: the peer
 * that ceramic's calls are measured beside. The server binds on loopback only, prints
 * {@code ready} and exits when its standard input closes.
 *
 * @param <T> the remote interface
 */
final class RmiChild<T extends Remote> implements AutoCloseable {

	private final Process process;

	private final T stub;

	private RmiChild(Process process, T stub) {
		this.process = process;
		this.stub = stub;
	}

	/**
	 * Start the server and look its stub up.
	 * @param <T> the remote interface
	 * @param remote the remote interface
	 * @param server the server's main class, which takes the registry's port
	 * @param name the name the server binds its object to
	 * @param jvmArguments options for the child JVM
	 * @return the running child
	 * @throws Exception if it did not start
	 */
	static <T extends Remote> RmiChild<T> start(Class<T> remote, Class<?> server, String name, String... jvmArguments)
			throws Exception {
		int port;
		try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = free.getLocalPort();
		}
		List<String> command = new ArrayList<>();
		command.add(ChildJava.executable().toString());
		command.addAll(List.of(jvmArguments));
		command.addAll(List.of("-Djava.rmi.server.hostname=127.0.0.1", "-cp", System.getProperty("java.class.path"),
				server.getName(), Integer.toString(port)));
		Process process = new ProcessBuilder(command).redirectError(Redirect.INHERIT).start();
		try {
			BufferedReader out = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
			String line = out.readLine();
			if (!"ready".equals(line)) {
				throw new IOException("The RMI child printed " + line);
			}
			T stub = remote.cast(LocateRegistry.getRegistry("127.0.0.1", port).lookup(name));
			return new RmiChild<>(process, stub);
		}
		catch (Exception ex) {
			process.destroyForcibly();
			throw ex;
		}
	}

	T stub() {
		return this.stub;
	}

	@Override
	public void close() throws Exception {
		this.process.getOutputStream().close();
		if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

}
