package dev.ceramic.test.pool;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The implementation of {@link StreamService}, run in worker JVMs. */
public class StreamServiceImpl implements StreamService {

	private static volatile PatternStream lastEndless = PatternStream.of(0);

	@Override
	public long pid() {
		return ProcessHandle.current().pid();
	}

	@Override
	public Digest digest(InputStream in) {
		try {
			return Digest.of(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public List<String> openFiles(InputStream in) {
		try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
			List<String> targets = new ArrayList<>();
			for (Path descriptor : descriptors.toList()) {
				try {
					targets.add(Files.readSymbolicLink(descriptor).toString());
				}
				catch (IOException ex) {
					// The listing's own descriptor, closed by now.
				}
			}
			return targets;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public String label(byte[] bytes, InputStream first, InputStream second) {
		return bytes.length + " " + ((first != null) ? digest(first) : null) + " "
				+ ((second != null) ? digest(second) : null);
	}

	@Override
	public long readAndClose(InputStream in, int bytes) {
		try (in) {
			return in.readNBytes(bytes).length;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public long ignore(InputStream in) {
		return pid();
	}

	@Override
	public void readThenHalt(InputStream in, int bytes) {
		readAndClose(in, bytes);
		Runtime.getRuntime().halt(3);
	}

	@Override
	public InputStream produce(long length) {
		return PatternStream.of(length);
	}

	@Override
	public InputStream nothing() {
		return null;
	}

	@Override
	public InputStream endless() {
		lastEndless = PatternStream.endless();
		return lastEndless;
	}

	@Override
	public String lastEndless() {
		long pumps = Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((t) -> t.getName().startsWith("ceramic-stream-pump"))
			.count();
		return "closed=" + lastEndless.closed() + " pumps=" + pumps + " read=" + lastEndless.position();
	}

	@Override
	public InputStream failing(long failAt) {
		return PatternStream.failingAt(failAt);
	}

	@Override
	public InputStream produceThenHalt(long bytes) {
		PatternStream pattern = PatternStream.of(Long.MAX_VALUE);
		return new InputStream() {

			@Override
			public int read() throws IOException {
				byte[] one = new byte[1];
				return (read(one, 0, 1) < 0) ? -1 : one[0] & 0xff;
			}

			@Override
			public int read(byte[] buffer, int offset, int count) throws IOException {
				long left = bytes - pattern.position();
				if (left <= 0) {
					Runtime.getRuntime().halt(3);
				}
				return pattern.read(buffer, offset, (int) Math.min(count, left));
			}

		};
	}

}
