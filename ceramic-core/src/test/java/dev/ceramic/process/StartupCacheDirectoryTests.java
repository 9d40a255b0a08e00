package dev.ceramic.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChannelClosedException;
import dev.ceramic.test.proc.ChildJvms;
import dev.ceramic.test.proc.Echo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where the start-up cache lives: a base directory of this user's alone, refused with one
 * warning when another user could change it, and entries that cleanup deletes only when
 * no live process holds their lock.
 */
class StartupCacheDirectoryTests {

	private static final String OVERRIDE = "-D" + StartupCache.LIBRARY_OVERRIDE + "=";

	/** Above any Linux pid_max (at most 2^22), so never a live process here. */
	private static final long PID_NOT_ALIVE_HERE = 4_194_305L;

	private static final int NOBODY = 65534;

	@Test
	void aFreshBaseIsMadeOwnerOnlyAndHoldsALockedEntry(@TempDir Path temp) throws IOException {
		Path base = temp.resolve("base");
		StartupCache cache = StartupCache.under(base);
		try {
			startEcho(ProcOptions.defaults());
			assertThat(cache.arguments(ProcOptions.defaults())).anyMatch((argument) -> argument.startsWith(OVERRIDE));
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(base))).isEqualTo("rwx------");
			List<Path> entries = entries(base);
			assertThat(entries).singleElement().satisfies((entry) -> {
				assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(entry))).isEqualTo("rwx------");
				assertThat(entry.resolve(LockedEntry.LOCK_FILE)).isRegularFile();
			});
			// This JVM holds the entry, so cleanup leaves it.
			assertThat(LockedEntry.deleteAbandoned(base, StartupCache.ENTRY_PREFIX, uid(temp))).isZero();
			assertThat(entries(base)).isEqualTo(entries);
		}
		finally {
			cache.close();
		}
		assertThat(entries(base)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "rwxrwx---", "rwxrwxrwx", "rwx-w----" })
	void aBaseThatGroupOrOthersCanWriteIsRefused(String mode, @TempDir Path temp) throws IOException {
		Path base = Files.createDirectory(temp.resolve("base"));
		Files.setPosixFilePermissions(base, PosixFilePermissions.fromString(mode));
		assertRefused(base, "is writable by group or others", "chmod 700 " + base);
	}

	@Test
	void aBaseOfAnotherUserIsRefused(@TempDir Path temp) throws IOException {
		Path base = Files.createDirectory(temp.resolve("base"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		// Only root can give a directory away (CI runs as root, so this runs there).
		assumeTrue(uid(temp) == 0, "giving a directory to uid " + NOBODY + " needs root");
		Files.setAttribute(base, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
		assertRefused(base, "belongs to uid " + NOBODY + ", not to this user (uid " + uid(temp) + ")", "Remove it");
	}

	@Test
	void aSymbolicLinkInPlaceOfTheBaseIsRefused(@TempDir Path temp) throws IOException {
		// The link's target is a private directory of this user: only the link is wrong.
		Path target = Files.createDirectory(temp.resolve("target"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Path base = Files.createSymbolicLink(temp.resolve("base"), target);
		assertRefused(base, "is a symbolic link", "Remove it");
		assertThat(entries(target)).isEmpty();
	}

	@Test
	void cleanupDeletesAnEntryOnlyOnceNoLiveProcessHoldsItsLock(@TempDir Path temp) throws Exception {
		Path base = temp.resolve("base");
		int uid = uid(temp);
		PrivateDirectory.ensure(base, uid);
		// The entry's name carries a pid that is not alive here, as another container's
		// would: only the lock can tell that it is in use.
		ProcOptions options = entryMaker("holds-cache-entry", base);
		Chan chan = Chan.open();
		Path entry;
		try (Proc proc = Proc.start(HoldsCacheEntry.class, chan, options)) {
			entry = Path.of(new String(chan.recv(), StandardCharsets.UTF_8));
			assertThat(entry.getParent()).isEqualTo(base);
			assertThat(entry.getFileName().toString()).startsWith(StartupCache.ENTRY_PREFIX + PID_NOT_ALIVE_HERE);
			assertThat(ProcessHandle.of(PID_NOT_ALIVE_HERE)).isEmpty();

			assertThat(LockedEntry.deleteAbandoned(base, StartupCache.ENTRY_PREFIX, uid)).isZero();
			assertThat(entry).isDirectory();
			assertThat(entry.resolve("payload")).isRegularFile();

			proc.kill();
			assertThat(proc.waitFor()).isNotZero();
		}
		// Killed, the child never deleted its entry; with its lock gone, cleanup does.
		assertThat(entry).isDirectory();
		assertThat(LockedEntry.deleteAbandoned(base, StartupCache.ENTRY_PREFIX, uid)).isEqualTo(1);
		assertThat(entry).doesNotExist();
		assertThat(entries(base)).isEmpty();
	}

	@Test
	void cleanupRacingAnotherProcessThatMakesEntriesDeletesNoneOfThem(@TempDir Path temp) throws Exception {
		Path base = temp.resolve("base");
		int uid = uid(temp);
		PrivateDirectory.ensure(base, uid);
		ProcOptions options = entryMaker("makes-cache-entries", base);
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(MakesCacheEntries.class, chan, options)) {
			// Clean up without pause for as long as the child makes entries.
			AtomicBoolean making = new AtomicBoolean(true);
			AtomicInteger deleted = new AtomicInteger();
			AtomicReference<Throwable> failure = new AtomicReference<>();
			Thread cleanup = new Thread(() -> {
				try {
					while (making.get()) {
						deleted.addAndGet(LockedEntry.deleteAbandoned(base, StartupCache.ENTRY_PREFIX, uid));
					}
				}
				catch (IOException | RuntimeException ex) {
					failure.set(ex);
				}
			}, "cache-cleanup-race");
			cleanup.start();
			List<Path> made = new ArrayList<>();
			try {
				while (made.size() < MakesCacheEntries.COUNT) {
					made.add(Path.of(new String(chan.recv(), StandardCharsets.UTF_8)));
				}
			}
			finally {
				making.set(false);
				cleanup.join();
			}
			assertThat(failure.get()).isNull();
			assertThat(deleted.get()).isZero();
			assertThat(entries(base)).containsExactlyInAnyOrderElementsOf(made);
		}
	}

	/**
	 * Options for a child that makes cache entries under {@code base}, named with a pid
	 * that is not alive here, as another container's would be.
	 */
	private static ProcOptions entryMaker(String name, Path base) {
		return ChildJvms.options(name)
			.startupCache(false)
			.systemProperty(HoldsCacheEntry.BASE, base.toString())
			.systemProperty(HoldsCacheEntry.PREFIX, StartupCache.ENTRY_PREFIX + PID_NOT_ALIVE_HERE + "-")
			.build();
	}

	private static void assertRefused(Path base, String problem, String remedy) throws IOException {
		Logger logger = (Logger) LoggerFactory.getLogger(StartupCache.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		StartupCache cache = StartupCache.under(base);
		try {
			startEcho(ProcOptions.defaults());
			List<String> arguments = cache.arguments(ProcOptions.defaults());
			ProcOptions jarsOnly = ProcOptions.builder().launchMode(LaunchMode.classpath(jarsOnTheClasspath())).build();
			assertThat(cache.arguments(jarsOnly)).isEmpty();
			assertThat(cache.arguments(ProcOptions.defaults())).isEmpty();
			assertThat(arguments).isEmpty();
			List<String> warnings = warnings(appender);
			assertThat(warnings).singleElement()
				.asString()
				.contains(base.toString())
				.contains(problem)
				.contains(remedy);
			// Nothing was written into the refused directory.
			assertThat(entries(base)).isEmpty();
			// Workers start all the same, with what the refused cache gives them.
			startEcho(ChildJvms.options("refused-cache").startupCache(false).jvmArguments(arguments).build());
		}
		finally {
			logger.detachAppender(appender);
			cache.close();
		}
	}

	private static String jarsOnTheClasspath() {
		return String.join(java.io.File.pathSeparator,
				Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
					.filter((entry) -> entry.endsWith(".jar"))
					.toList());
	}

	private static List<String> warnings(ListAppender<ILoggingEvent> appender) {
		// AppenderBase.doAppend holds the appender's monitor while it adds to the list.
		synchronized (appender) {
			return new ArrayList<>(appender.list).stream()
				.filter((event) -> event.getLevel() == Level.WARN)
				.map(ILoggingEvent::getFormattedMessage)
				.toList();
		}
	}

	private static List<Path> entries(Path directory) throws IOException {
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.filter((entry) -> entry.getFileName().toString().startsWith(StartupCache.ENTRY_PREFIX))
				.sorted()
				.toList();
		}
	}

	private static int uid(Path temp) throws IOException {
		return PrivateDirectory.currentUid(temp);
	}

	private static void startEcho(ProcOptions options) {
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(Echo.class, chan, options)) {
			chan.send(new byte[] { 1 });
			assertThat(chan.recv()).containsExactly(1);
		}
	}

	/**
	 * A child that makes {@link #COUNT} cache entries as fast as it can, sending each
	 * path without waiting, and holds them all until the channel closes.
	 */
	static final class MakesCacheEntries implements ProcMain {

		static final int COUNT = 300;

		@Override
		public void run(Chan chan) {
			List<LockedEntry> entries = new ArrayList<>();
			try {
				for (int i = 0; i < COUNT; i++) {
					LockedEntry entry = LockedEntry.create(Path.of(System.getProperty(HoldsCacheEntry.BASE)),
							System.getProperty(HoldsCacheEntry.PREFIX));
					entries.add(entry);
					chan.send(entry.directory().toString().getBytes(StandardCharsets.UTF_8));
				}
				while (true) {
					chan.recv();
				}
			}
			catch (ChannelClosedException ex) {
				// The parent is done with us.
			}
			catch (IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
			finally {
				entries.forEach(LockedEntry::close);
			}
		}

	}

	/**
	 * A child that makes a cache entry as the start-up cache does, writes into it, sends
	 * its path and holds it until the channel closes or the child is killed.
	 */
	static final class HoldsCacheEntry implements ProcMain {

		static final String BASE = "ceramic.test.cache-base";

		static final String PREFIX = "ceramic.test.cache-prefix";

		@Override
		public void run(Chan chan) {
			try (LockedEntry entry = LockedEntry.create(Path.of(System.getProperty(BASE)),
					System.getProperty(PREFIX))) {
				Files.writeString(entry.directory().resolve("payload"), "in use");
				chan.send(entry.directory().toString().getBytes(StandardCharsets.UTF_8));
				while (true) {
					chan.recv();
				}
			}
			catch (ChannelClosedException ex) {
				// The parent is done with us.
			}
			catch (IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		}

	}

}
