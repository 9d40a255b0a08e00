package dev.ceramic.channel;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.ceramic.channel.OutOfBand.SharedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The files that carry large values: memfds, which no directory ever names and which
 * {@code /dev/shm}'s size does not bound, and where none can be made, unlinked files in a
 * directory. Either way the receiver gets a read-only descriptor of an owner-read-only
 * file.
 */
class SharedFileTests {

	@Test
	void onLinuxAFileIsAMemfd() throws IOException {
		SharedFile file = SharedFile.create("value");
		try {
			assertThat(Memfd.isAvailable()).isTrue();
			assertThat(SharedFile.SOURCE).isEqualTo("anonymous memory (memfd_create)");
			Path sent = Memfd.path(file.readOnly());
			assertThat(Files.readSymbolicLink(sent).toString()).startsWith("/memfd:");
			assertReadOnlyForTheReceiver(file, sent);
		}
		finally {
			file.close();
		}
	}

	@Test
	void elsewhereAFileIsUnlinkedFromItsDirectoryAtOnce(@TempDir Path directory) throws IOException {
		SharedFile file = SharedFile.createIn(directory, "value");
		try {
			try (var names = Files.list(directory)) {
				assertThat(names).isEmpty();
			}
			Path sent = Memfd.path(file.readOnly());
			assertThat(Files.readSymbolicLink(sent).toString()).startsWith(directory + "/ceramic-")
				.endsWith(".value (deleted)");
			assertReadOnlyForTheReceiver(file, sent);
		}
		finally {
			file.close();
		}
	}

	/**
	 * What the sender writes, the read-only descriptor reads; it writes nothing, and the
	 * file's mode keeps anyone but root from opening it again for writing.
	 */
	private static void assertReadOnlyForTheReceiver(SharedFile file, Path sent) throws IOException {
		file.channel().write(ByteBuffer.wrap("large".getBytes(StandardCharsets.US_ASCII)), 0);
		assertThat(new FileInputStream(file.readOnly()).readNBytes(5)).asString(StandardCharsets.US_ASCII)
			.isEqualTo("large");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sent))).isEqualTo("r--------");
		FileOutputStream writer = new FileOutputStream(file.readOnly());
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> writer.write(1));
	}

}
