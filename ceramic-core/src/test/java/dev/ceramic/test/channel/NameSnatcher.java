package dev.ceramic.test.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ceramic.channel.Chan;
import dev.ceramic.process.ProcMain;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A hostile local process: it watches {@code /proc/net/unix} for new names in the
 * abstract namespace and connects to each as fast as it can. A name whose listener turns
 * out to be its parent's gets {@value #CONNECTIONS_PER_NAME} connections, more than a
 * listener that takes only its own process's connection would turn away; anyone else's
 * gets the one connection that told whose it was, so other processes on the machine are
 * not disturbed.
 *
 * <p>
 * The parent sends {@code go}; the child answers {@code ready} once it watches, and
 * watches until the parent sends {@code stop}, when it answers
 * {@code reached <names of the parent it connected to> scans <how often it read the
 * table>}.
 */
public class NameSnatcher implements ProcMain {

	static final int CONNECTIONS_PER_NAME = 16;

	private static final Path UNIX = Path.of("/proc/net/unix");

	private final AtomicBoolean stopped = new AtomicBoolean();

	private final AtomicInteger reached = new AtomicInteger();

	private final AtomicInteger scans = new AtomicInteger();

	@Override
	public void run(Chan chan) throws Exception {
		String go = new String(chan.recv(), StandardCharsets.UTF_8);
		if (!go.equals("go")) {
			throw new IllegalStateException("expected go, got " + go);
		}
		long parent = ProcessHandle.current().parent().orElseThrow().pid();
		Set<String> seen = new HashSet<>(abstractNames());
		Thread watcher = new Thread(() -> watch(parent, seen), "name-snatcher");
		watcher.setDaemon(true);
		watcher.start();
		chan.send("ready".getBytes(StandardCharsets.UTF_8));
		String stop = new String(chan.recv(), StandardCharsets.UTF_8);
		this.stopped.set(true);
		watcher.join();
		chan.send(("reached " + this.reached.get() + " scans " + this.scans.get() + " after " + stop)
			.getBytes(StandardCharsets.UTF_8));
	}

	private void watch(long parent, Set<String> seen) {
		List<AFUNIXSocket> held = new ArrayList<>();
		while (!this.stopped.get()) {
			List<String> names;
			try {
				names = abstractNames();
			}
			catch (IOException ex) {
				continue;
			}
			this.scans.incrementAndGet();
			for (String name : names) {
				if (seen.add(name)) {
					snatch(name, parent, held);
				}
			}
			if (held.size() > 256) {
				closeAll(held);
			}
		}
		closeAll(held);
	}

	private void snatch(String name, long parent, List<AFUNIXSocket> held) {
		AFUNIXSocketAddress address;
		try {
			address = AFUNIXSocketAddress.inAbstractNamespace(name);
			AFUNIXSocket first = AFUNIXSocket.connectTo(address);
			held.add(first);
			if (first.getPeerCredentials().getPid() != parent) {
				closeAll(held);
				return;
			}
		}
		catch (IOException ex) {
			return; // gone already
		}
		this.reached.incrementAndGet();
		for (int i = 1; i < CONNECTIONS_PER_NAME; i++) {
			try {
				held.add(AFUNIXSocket.connectTo(address));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	/** The names in the abstract namespace, without the leading {@code @}. */
	private static List<String> abstractNames() throws IOException {
		List<String> names = new ArrayList<>();
		String table = Files.readString(UNIX);
		for (String line : table.split("\n")) {
			int at = line.indexOf(" @");
			if (at > 0) {
				names.add(line.substring(at + 2).trim());
			}
		}
		return names;
	}

	private static void closeAll(List<AFUNIXSocket> sockets) {
		for (AFUNIXSocket socket : sockets) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// Nothing to do.
			}
		}
		sockets.clear();
	}

}
