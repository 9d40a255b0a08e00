package dev.ceramic.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.test.proc.ChildJvms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Entries that outlive the application: two applications filling the same one at once
 * leave one whole copy, and pruning deletes old entries unless a live application holds
 * them.
 */
@Timeout(120)
class CacheStoreTests {

	private static final String BASE = "ceramic.test.store-base";

	private static final String NAME = "ceramic.test.store-name";

	/** Written in small pieces with pauses, so that the two fillers overlap. */
	private static final int PIECES = 40;

	private static final int PIECE = 64 * 1024;

	@Test
	void twoApplicationsFillingTheSameEntryAtOnceLeaveOneWholeCopy(@TempDir Path temp) throws IOException {
		Path base = Files.createDirectory(temp.resolve("base"), PrivateDirectory.ownerOnly());
		List<Chan> chans = new ArrayList<>();
		List<Proc> procs = new ArrayList<>();
		try {
			for (int i = 0; i < 2; i++) {
				Chan chan = Chan.open();
				procs.add(Proc.start(FillsEntry.class, chan, child("filler-" + i, base, "archive-shared")));
				chans.add(chan);
			}
			// Both start filling at once.
			for (Chan chan : chans) {
				chan.send(new byte[] { 1 });
			}
			List<String> answers = new ArrayList<>();
			for (Chan chan : chans) {
				answers.add(new String(chan.recv(Duration.ofSeconds(60)), StandardCharsets.UTF_8));
			}
			Path entry = base.resolve("archive-shared");
			assertThat(answers).containsOnly(entry.toString());
			assertThat(Files.size(entry.resolve("payload"))).isEqualTo((long) PIECES * PIECE);
			String maker = Files.readString(entry.resolve("maker"));
			assertThat(procs).extracting((proc) -> Long.toString(proc.pid())).contains(maker);
			assertThat(partials(base)).as("the losing copy is gone").isEmpty();
		}
		finally {
			procs.forEach(Proc::close);
		}
	}

	@Test
	void pruningDeletesOldEntriesUnlessALiveApplicationHoldsThem(@TempDir Path temp) throws Exception {
		Path base = Files.createDirectory(temp.resolve("base"), PrivateDirectory.ownerOnly());
		int uid = PrivateDirectory.currentUid(temp);
		// Made by applications that have exited since.
		for (String name : List.of("archive-old", "archive-recent", "unpacked-old")) {
			Chan chan = Chan.open();
			try (Proc proc = Proc.start(FillsEntry.class, chan, child("maker", base, name))) {
				chan.send(new byte[] { 1 });
				chan.recv(Duration.ofSeconds(60));
			}
		}
		Chan chan = Chan.open();
		try (Proc holder = Proc.start(FillsEntry.class, chan, child("holder", base, "archive-held"))) {
			chan.send(new byte[] { 1 });
			chan.recv(Duration.ofSeconds(60));
			Instant now = Instant.now();
			FileTime old = FileTime.from(now.minus(CacheStore.MAX_AGE).minus(Duration.ofDays(1)));
			for (String name : List.of("archive-old", "unpacked-old", "archive-held")) {
				Files.setLastModifiedTime(base.resolve(name).resolve(CacheStore.LOCK_FILE), old);
			}
			int pruned = CacheStore.in(base, uid).prune(StartupCache.PERSISTENT_PREFIXES, now);
			assertThat(base.resolve("archive-held").resolve("payload")).as("held by a live application")
				.isRegularFile();
			assertThat(base.resolve("archive-recent")).isDirectory();
			assertThat(pruned).isEqualTo(2);
			assertThat(base.resolve("archive-old")).doesNotExist();
			assertThat(base.resolve("unpacked-old")).doesNotExist();
			assertThat(base.resolve("archive-recent")).isDirectory();
			assertThat(base.resolve("archive-held").resolve("payload")).as("held by a live application")
				.isRegularFile();
		}
		// Once its holder is gone, an old entry goes too.
		int pruned = CacheStore.in(base, uid).prune(StartupCache.PERSISTENT_PREFIXES, Instant.now());
		assertThat(pruned).isEqualTo(1);
		assertThat(base.resolve("archive-held")).doesNotExist();
	}

	private static ProcOptions child(String name, Path base, String entry) {
		return ChildJvms.options(name)
			.startupCache(false)
			.systemProperty(BASE, base.toString())
			.systemProperty(NAME, entry)
			.build();
	}

	private static List<Path> partials(Path base) throws IOException {
		try (Stream<Path> entries = Files.list(base)) {
			return entries.filter((entry) -> entry.getFileName().toString().startsWith(CacheStore.PARTIAL_PREFIX))
				.toList();
		}
	}

	/**
	 * On a message, fills (or finds) an entry of the store, sends back its directory, and
	 * holds it until the channel closes.
	 */
	static final class FillsEntry implements ProcMain {

		/** Kept, as the start-up cache keeps its store: its held locks go with it. */
		static CacheStore store;

		@Override
		public void run(Chan chan) throws Exception {
			Path base = Path.of(System.getProperty(BASE));
			chan.recv();
			store = CacheStore.in(base, PrivateDirectory.currentUid(base.getParent()));
			Path entry = store.create(System.getProperty(NAME), (directory) -> {
				byte[] piece = new byte[PIECE];
				try (OutputStream out = Files.newOutputStream(directory.resolve("payload"))) {
					for (int i = 0; i < PIECES; i++) {
						out.write(piece);
						out.flush();
						sleep(5);
					}
				}
				Files.writeString(directory.resolve("maker"), Long.toString(ProcessHandle.current().pid()));
			});
			chan.send(entry.toString().getBytes(StandardCharsets.UTF_8));
			try {
				while (true) {
					chan.recv();
				}
			}
			catch (ChannelClosedException ex) {
				// The parent is done with us.
			}
		}

		private static void sleep(long millis) throws IOException {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException(ex);
			}
		}

	}

}
