package dev.ceramic.channel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.ceramic.test.Fuzzing;
import dev.ceramic.test.ProcessResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.newsclub.net.unix.AFUNIXSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the frame decoder ({@link FrameReader}, behind {@link Chan#recv}) with random
 * and mutated frames written by hand onto the peer end of a real socketpair. Whatever the
 * bytes, a receive returns messages or fails with a {@link ChannelException}: never
 * another exception, never an {@link Error}, never a hang. Valid frames cut into pieces
 * and delivered slowly, across read timeouts, come out whole.
 *
 * <p>
 * A seeded random test rather than Jazzer: Jazzer's JUnit integration replays only a
 * stored corpus in the normal test run, and attaches an agent with sanitizer hooks to the
 * test JVM that the pool's tests share. The seeds are fixed plus one per run, printed in
 * any failure; {@code -Dceramic.fuzz.seed=N} replays a run.
 */
@Timeout(120)
class FrameDecoderFuzzTests {

	private static final int RANDOM_CASES = 20_000;

	private static final int CHUNKED_CASES = 1_000;

	private static final int MAX_FRAME_SIZE = 4096;

	private static final Duration HANG = Duration.ofSeconds(5);

	private final Map<String, Integer> outcomes = new TreeMap<>();

	@Test
	void randomAndMutatedBytesOnlyEverFailWithChannelExceptions() throws Exception {
		for (long seed : Fuzzing.seeds(20251123L)) {
			long socketsBefore = sockets();
			Random random = new Random(seed);
			for (int i = 0; i < RANDOM_CASES / 2; i++) {
				byte[] input = (random.nextInt(4) == 0) ? randomBytes(random) : mutatedFrames(random);
				int maxFds = random.nextBoolean() ? 0 : 4;
				try {
					feed(input, maxFds);
				}
				catch (Throwable ex) {
					throw new AssertionError("Seed " + seed + ", case " + i + ", maxFds " + maxFds + ", input "
							+ HexFormat.of().formatHex(input) + ": " + ex, ex);
				}
			}
			assertThat(sockets()).as("open sockets after seed %d", seed).isEqualTo(socketsBefore);
		}
		System.out.println("Frame decoder fuzz outcomes: " + this.outcomes);
		// The inputs reach past the first header: messages come out, and the decoder
		// fails
		// in each of its ways.
		assertThat(this.outcomes).containsKeys("message", MalformedFrameException.class.getSimpleName(),
				FrameTooLargeException.class.getSimpleName(), PeerGoneException.class.getSimpleName());
	}

	@Test
	void validFramesDeliveredInPiecesAcrossReadTimeoutsComeOutWhole() throws Exception {
		for (long seed : Fuzzing.seeds(7L)) {
			Random random = new Random(seed);
			for (int i = 0; i < CHUNKED_CASES / 2; i++) {
				byte[] payload = new byte[random.nextInt(3 * MAX_FRAME_SIZE / 4)];
				random.nextBytes(payload);
				ByteArrayOutputStream frames = new ByteArrayOutputStream();
				// Control frames that change nothing for a receiver holding no message.
				for (int c = random.nextInt(3); c > 0; c--) {
					byte type = (byte) (Frame.ACK + random.nextInt(Frame.CLEAR - Frame.ACK + 1));
					frames.writeBytes(Frame.control(type, 1_000_000 + random.nextInt(1000), random.nextInt(1000)));
				}
				frames.writeBytes(Frame.data(1 + random.nextInt(1000), 0, payload));
				try {
					assertThat(deliverInPieces(frames.toByteArray(), random)).isEqualTo(payload);
				}
				catch (Throwable ex) {
					throw new AssertionError("Seed " + seed + ", case " + i + ", frames "
							+ HexFormat.of().formatHex(frames.toByteArray()) + ": " + ex, ex);
				}
			}
		}
	}

	/**
	 * Write the input and close the peer, then receive until the channel fails: every
	 * failure must be a ChannelException, and a timeout means the decoder hangs on a
	 * stream that has ended.
	 */
	private void feed(byte[] input, int maxFds) throws IOException {
		Chan chan = Chan.open(new ChanOptions(MAX_FRAME_SIZE, maxFds));
		try {
			try (AFUNIXSocket peer = chan.detachPeerSocket()) {
				OutputStream out = peer.getOutputStream();
				out.write(input);
				out.flush();
			}
			int messages = 0;
			while (true) {
				try {
					chan.recv(HANG);
					messages++;
					this.outcomes.merge("message", 1, Integer::sum);
					assertThat(messages).as("messages from %d bytes", input.length)
						.isLessThanOrEqualTo(input.length / Frame.HEADER_SIZE);
				}
				catch (ChannelTimeoutException ex) {
					throw new AssertionError("recv hung for " + HANG + " on a stream that has ended", ex);
				}
				catch (ChannelException ex) {
					assertThat(chan.isOpen()).isFalse();
					this.outcomes.merge(ex.getClass().getSimpleName(), 1, Integer::sum);
					return;
				}
			}
		}
		finally {
			chan.close();
		}
	}

	private static byte[] deliverInPieces(byte[] frames, Random random) throws Exception {
		Chan chan = Chan.open(new ChanOptions(MAX_FRAME_SIZE, 0));
		AFUNIXSocket peer = chan.detachPeerSocket();
		long[] pauses = new long[1 + random.nextInt(8)];
		int[] cuts = new int[pauses.length];
		for (int p = 0; p < pauses.length; p++) {
			cuts[p] = random.nextInt(frames.length + 1);
			pauses[p] = random.nextInt(3);
		}
		Arrays.sort(cuts);
		try {
			CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
				try {
					OutputStream out = peer.getOutputStream();
					int from = 0;
					for (int p = 0; p < cuts.length; p++) {
						out.write(frames, from, cuts[p] - from);
						out.flush();
						from = cuts[p];
						Thread.sleep(pauses[p]);
					}
					out.write(frames, from, frames.length - from);
					out.flush();
				}
				catch (IOException | InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			});
			long deadline = System.nanoTime() + HANG.toNanos();
			while (true) {
				try {
					byte[] message = chan.recv(Duration.ofMillis(1));
					writer.get(HANG.toMillis(), TimeUnit.MILLISECONDS);
					return message;
				}
				catch (ChannelTimeoutException ex) {
					assertThat(System.nanoTime() - deadline).as("time left for the frame to arrive").isNegative();
				}
			}
		}
		finally {
			chan.close();
			peer.close();
		}
	}

	private static byte[] randomBytes(Random random) {
		byte[] bytes = new byte[random.nextInt(64)];
		random.nextBytes(bytes);
		return bytes;
	}

	/** A sequence of well-formed frames, then damaged. */
	private static byte[] mutatedFrames(Random random) {
		ByteArrayOutputStream frames = new ByteArrayOutputStream();
		for (int f = 1 + random.nextInt(4); f > 0; f--) {
			byte type = (byte) (Frame.DATA + random.nextInt(Frame.LAST_TYPE));
			int seq = interestingInt(random);
			if (Frame.isMessage(type)) {
				byte[] payload = new byte[random.nextInt(64)];
				random.nextBytes(payload);
				frames.writeBytes(Frame.data(type, seq, random.nextInt(8) == 0 ? random.nextInt(6) : 0, payload, 0));
			}
			else {
				frames.writeBytes(Frame.control(type, seq, interestingInt(random)));
			}
		}
		byte[] bytes = frames.toByteArray();
		for (int m = random.nextInt(4); m > 0; m--) {
			bytes = mutate(bytes, random);
		}
		return bytes;
	}

	private static byte[] mutate(byte[] bytes, Random random) {
		if (bytes.length == 0) {
			return Fuzzing.oneByte(random);
		}
		int at = random.nextInt(bytes.length);
		switch (random.nextInt(6)) {
			case 0 -> Fuzzing.flipBit(bytes, at, random);
			case 1 -> Fuzzing.replaceByte(bytes, at, random);
			case 2 -> {
				return Fuzzing.cut(bytes, at);
			}
			case 3 -> {
				return Fuzzing.extend(bytes, random);
			}
			case 4 -> {
				// An interesting value over a 32-bit field, such as a payload length.
				Fuzzing.writeInt(bytes, at, interestingInt(random));
			}
			default -> {
				// Repeat a slice, as a duplicated frame would.
				int end = at + random.nextInt(bytes.length - at + 1);
				byte[] slice = Arrays.copyOfRange(bytes, at, end);
				byte[] longer = Arrays.copyOf(bytes, bytes.length + slice.length);
				System.arraycopy(slice, 0, longer, bytes.length, slice.length);
				return longer;
			}
		}
		return bytes;
	}

	private static int interestingInt(Random random) {
		List<Integer> values = List.of(0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, MAX_FRAME_SIZE,
				MAX_FRAME_SIZE + 1, MAX_FRAME_SIZE - 1, 64 * 1024, 10, 255, 256);
		return random.nextBoolean() ? values.get(random.nextInt(values.size())) : random.nextInt(100);
	}

	private static long sockets() {
		return ProcessResources.now()
			.fileDescriptors()
			.values()
			.stream()
			.filter((target) -> target.startsWith("socket:"))
			.count();
	}

}
