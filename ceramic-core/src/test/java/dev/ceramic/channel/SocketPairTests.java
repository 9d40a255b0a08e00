package dev.ceramic.channel;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.ceramic.platform.Platform;
import dev.ceramic.pool.WorkerPool;
import dev.ceramic.process.Proc;
import dev.ceramic.test.ProcessResources;
import dev.ceramic.test.channel.NameSnatcher;
import dev.ceramic.test.channel.OpensAChannel;
import dev.ceramic.test.pool.TestPools;
import dev.ceramic.test.proc.ChildJvms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;
import org.newsclub.net.unix.FileDescriptorCast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The socketpair under {@link Chan#open()}: no name in any namespace, so no other local
 * process can reach it, and no descriptor left behind.
 */
@Timeout(180)
class SocketPairTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Test
	void aThousandOpenedAndClosedChannelsLeaveTheDescriptorCountAsItWas() {
		// The warm-up loads every class the loop needs and makes the JDK's lazily kept
		// descriptors (jars, the NIO dispatcher's socketpair, which the first read of
		// /proc makes), so that the loop itself can open none but its own.
		openAndClose(100);
		ProcessResources before = ProcessResources.now();
		openAndClose(1000);
		ProcessResources after = ProcessResources.now();
		assertThat(after.openFileDescriptors())
			.as("open descriptors after 1,000 channels; sockets now: %s", after.describeSockets())
			.isEqualTo(before.openFileDescriptors());
	}

	@Test
	void junixsocketsOwnSocketpairStillLeavesTwoDescriptorsOpenAPair() throws IOException {
		assumeTrue(Platform.supports(Platform.Capability.DESCRIPTOR_INSPECTION), "no /proc/self/fd to count in");
		openAndCloseJunixsocketPairs(10);
		ProcessResources before = ProcessResources.now();
		openAndCloseJunixsocketPairs(50);
		ProcessResources after = ProcessResources.now();
		assertThat(after.openFileDescriptors() - before.openFileDescriptors())
			.as("descriptors left open by 50 of junixsocket's AFUNIXSocketPair.open(), each closed: "
					+ "if not 100, junixsocket no longer leaks in socketpair; remove SocketPair's Maker "
					+ "workaround and make the pair with AFUNIXSocketPair.open()")
			.isEqualTo(100);
	}

	@Test
	void aNoteOfASocketWhoseNumberNowNamesAnotherFileClosesNothing(@TempDir Path directory) throws IOException {
		assumeTrue(Platform.supports(Platform.Capability.DESCRIPTOR_INSPECTION), "no /proc/self/fd to read");
		Path file = Files.writeString(directory.resolve("someone-elses"), "still open");
		// A socket's number and identity noted, the socket closed (as a junixsocket that
		// closes the replaced descriptor would), and its number reused by a file: the
		// lowest free number is the one just closed.
		for (int attempt = 0; attempt < 10; attempt++) {
			AFUNIXSocket socket = AFUNIXSocket.newInstance();
			socket.getSoTimeout();
			int number = number(socket);
			String noted = SocketPair.identity(number).orElseThrow();
			assertThat(noted).startsWith("socket:[");
			socket.close();
			try (FileInputStream reuser = new FileInputStream(file.toFile())) {
				if (FileDescriptorCast.using(reuser.getFD()).as(Integer.class) != number) {
					continue;
				}
				boolean closed = SocketPair.closeIfStill(number, noted);
				assertThat(SocketPair.identity(number)).as("what number %d names", number)
					.isEqualTo(Optional.of(file.toRealPath().toString()));
				assertThat(new String(reuser.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("still open");
				assertThat(closed).as("closed by number").isFalse();
				return;
			}
		}
		throw new AssertionError("no file got the number of a socket just closed in 10 attempts");
	}

	@Test
	void noNameOfThisProcessAppearsWhileChannelsOpenAndAPoolStartsTwentyWorkers() throws Exception {
		openAndClose(10);
		Set<String> baseline = namedSocketsOfThisProcess();
		AtomicBoolean done = new AtomicBoolean();
		Set<String> seen = new TreeSet<>();
		int[] scans = { 0 };
		Thread watcher = new Thread(() -> {
			while (!done.get()) {
				Set<String> now = namedSocketsOfThisProcess();
				now.removeAll(baseline);
				synchronized (seen) {
					seen.addAll(now);
					scans[0]++;
				}
			}
		}, "name-watcher");
		watcher.setDaemon(true);
		watcher.start();
		try {
			openAndClose(2000);
			try (WorkerPool pool = TestPools
				.start(TestPools.settings("no-name").minWorkers(20).maxWorkers(20).build())) {
				assertThat(TestPools.pids(pool)).hasSize(20);
			}
		}
		finally {
			done.set(true);
			watcher.join();
		}
		synchronized (seen) {
			assertThat(scans[0]).as("scans of /proc/net/unix").isPositive();
			assertThat(seen).as("named AF_UNIX sockets of this process, in %d scans", scans[0]).isEmpty();
		}
	}

	@Test
	void aRacingLocalProcessThatConnectsToEveryNewAbstractNameNeitherStopsNorReachesAChannel() throws Exception {
		Chan control = Chan.open();
		try (Proc snatcher = Proc.start(NameSnatcher.class, control, ChildJvms.options("name-snatcher").build())) {
			control.send(bytes("go"), TIMEOUT);
			assertThat(new String(control.recv(TIMEOUT), StandardCharsets.UTF_8)).isEqualTo("ready");
			List<Throwable> failures = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				try {
					Chan chan = Chan.open();
					chan.close();
				}
				catch (ChannelSetupException ex) {
					failures.add(ex);
				}
			}
			// Bait: a name the snatcher must find and reach, or it proves nothing.
			assertThat(reachedByTheSnatcher(snatcher.pid())).as("the snatcher connects to a new abstract name")
				.isTrue();
			control.send(bytes("stop"), TIMEOUT);
			String report = new String(control.recv(TIMEOUT), StandardCharsets.UTF_8);
			assertThat(failures).as("Chan.open() failures while %s (%s)", snatcher, report).isEmpty();
			assertThat(report).as("what the snatcher reached of this process's names").startsWith("reached 1 ");
		}
	}

	@Test
	void withJunixsocketsUnsafeOperationsDisabledOpeningFailsAndSaysWhichPropertyToRemove() throws Exception {
		String property = "org.newsclub.net.unix.library.disable.CAPABILITY_UNSAFE";
		for (boolean disabled : new boolean[] { false, true }) {
			Chan chan = Chan.open();
			try (Proc child = Proc.start(OpensAChannel.class, chan,
					ChildJvms.options("opens-a-channel")
						.systemProperty(property, Boolean.toString(disabled))
						.build())) {
				String answer = new String(chan.recv(TIMEOUT), StandardCharsets.UTF_8);
				if (disabled) {
					assertThat(answer).contains("unsafe operations are disabled").contains(property);
				}
				else {
					assertThat(answer).isEqualTo("opened");
				}
			}
		}
	}

	/** Listen under a fresh abstract name until the snatcher connects to it. */
	private static boolean reachedByTheSnatcher(long snatcher) throws IOException {
		AFUNIXSocketAddress bait = AFUNIXSocketAddress.inAbstractNamespace("ceramic-test-bait-" + UUID.randomUUID());
		try (AFUNIXServerSocket listener = AFUNIXServerSocket.bindOn(bait)) {
			listener.setSoTimeout((int) TIMEOUT.toMillis());
			while (true) {
				try (AFUNIXSocket caller = listener.accept()) {
					if (caller.getPeerCredentials().getPid() == snatcher) {
						return true;
					}
				}
			}
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
	}

	private static void openAndCloseJunixsocketPairs(int times) throws IOException {
		for (int i = 0; i < times; i++) {
			AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
			pair.getSocket1().close();
			pair.getSocket2().close();
		}
	}

	private static int number(AFUNIXSocket socket) throws IOException {
		return FileDescriptorCast.using(socket.getFileDescriptor()).as(Integer.class);
	}

	private static void openAndClose(int times) {
		for (int i = 0; i < times; i++) {
			Chan.open().close();
		}
	}

	/**
	 * The AF_UNIX sockets of this process that have a name, a path or an abstract
	 * {@code @} one, as {@code /proc/net/unix} lists them: {@code <inode> <name>}.
	 */
	private static Set<String> namedSocketsOfThisProcess() {
		List<String> named = new ArrayList<>();
		try {
			for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
				String[] fields = line.trim().split("\\s+");
				if (fields.length > 7 && !fields[0].equals("Num")) {
					named.add(fields[6] + " " + fields[7]);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		if (named.isEmpty()) {
			return new TreeSet<>();
		}
		Set<String> ours = new TreeSet<>();
		try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
			for (Path fd : fds) {
				try {
					ours.add(Files.readSymbolicLink(fd).toString());
				}
				catch (IOException ex) {
					// Closed since the listing.
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Set<String> result = new TreeSet<>();
		for (String entry : named) {
			if (ours.contains("socket:[" + entry.substring(0, entry.indexOf(' ')) + "]")) {
				result.add(entry);
			}
		}
		return result;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
