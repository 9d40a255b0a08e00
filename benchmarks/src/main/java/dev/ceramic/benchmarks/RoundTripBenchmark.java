package dev.ceramic.benchmarks;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.ceramic.channel.Chan;
import dev.ceramic.channel.ChanOptions;
import dev.ceramic.process.Proc;
import dev.ceramic.test.proc.Echo;

/**
 * Round trips parent to child to parent: {@code Chan} beside raw junixsocket streams,
 * interleaved block by block (rotating the order) so that noise from other work on the
 * machine falls on all of them alike.
 */
final class RoundTripBenchmark {

	static final int BLOCK = 500;

	/** The timeout of the timed rows: long enough never to fire, as a pool call's. */
	static final Duration TIMEOUT = Duration.ofSeconds(30);

	static final int ROUNDS = 8;

	private final int warmup;

	private final int iterations;

	private final Duration spin;

	RoundTripBenchmark(int warmup, int iterations, Duration spin) {
		this.warmup = warmup;
		this.iterations = iterations;
		this.spin = spin;
	}

	/** One way of doing a round trip with a child process. */
	interface Peer extends AutoCloseable {

		String name();

		long pid();

		void roundTrip(byte[] message) throws IOException;

	}

	/**
	 * The latencies of one peer, and its context switches per round trip in the calling
	 * thread and in the child (all its threads): a round trip that costs more wake-ups
	 * shows there.
	 */
	record Result(String name, int size, Stats latency, double switchesHere, double switchesChild, double cpuHere,
			double cpuChild) {
	}

	List<Result> run(int size) throws Exception {
		byte[] message = new byte[size];
		for (int i = 0; i < size; i++) {
			message[i] = (byte) i;
		}
		int count = this.spin.isZero() ? 5 : 6;
		String[] names = new String[count];
		long[][] samples = new long[count][this.iterations];
		long[][] switches = new long[count][4];
		int perRound = (this.iterations + ROUNDS - 1) / ROUNDS;
		for (int round = 0; round * perRound < this.iterations; round++) {
			// Fresh children each round: where the scheduler places a parent and child
			// pair (one CPU or two) sticks for the pair's life and changes a round trip's
			// time by a factor of two, so one pair per peer would make the ratios a
			// matter
			// of luck.
			try (ChanPeer chanPeer = ChanPeer.start("Chan", ChanOptions.defaults(), ChanPeer.Mode.UNTIMED);
					RawPeer raw = RawPeer.start("raw", size, RawEcho.Mode.PLAIN);
					RawPeer rawNewArray = RawPeer.start("raw, a new array per message", size, RawEcho.Mode.NEW_ARRAY);
					RawPeer rawAck = RawPeer.start("raw + ACK frames", size, RawEcho.Mode.ACK);
					ChanPeer timed = ChanPeer.start("Chan, `send` and `recv` with a timeout", ChanOptions.defaults(),
							ChanPeer.Mode.TIMED);
					ChanPeer spinning = ChanPeer.start(
							"Chan, opt-in `withSpinBeforeBlocking(" + this.spin.toNanos() / 1000 + " µs)`",
							ChanOptions.defaults().withSpinBeforeBlocking(this.spin), ChanPeer.Mode.UNTIMED)) {
				List<Peer> peers = List.of(chanPeer, raw, rawNewArray, rawAck, timed, spinning).subList(0, count);
				for (int p = 0; p < count; p++) {
					names[p] = peers.get(p).name();
				}
				int n = Math.min(perRound, this.iterations - round * perRound);
				interleave(peers, message, new long[count][BLOCK], 0, this.warmup, true, new long[count][4]);
				interleave(peers, message, samples, round * perRound, n, false, switches);
			}
		}
		List<Result> results = new ArrayList<>();
		double n = this.iterations;
		for (int p = 0; p < count; p++) {
			results.add(new Result(names[p], size, Stats.of(samples[p], this.iterations), switches[p][0] / n,
					switches[p][1] / n, switches[p][2] / n, switches[p][3] / n));
		}
		return results;
	}

	private static void interleave(List<Peer> peers, byte[] message, long[][] samples, int base, int total,
			boolean wrap, long[][] switches) throws IOException {
		int done = 0;
		int block = 0;
		while (done < total) {
			int n = Math.min(BLOCK, total - done);
			int offset = wrap ? 0 : base + done;
			for (int k = 0; k < peers.size(); k++) {
				// Rotate the order, so that no peer always runs right after the same one.
				int p = (k + block) % peers.size();
				Peer peer = peers.get(p);
				long here = ContextSwitches.ofCurrentThread();
				long child = ContextSwitches.ofProcess(peer.pid());
				long cpuHere = ContextSwitches.cpuNanosOfCurrentThread();
				long cpuChild = ContextSwitches.cpuNanosOfProcess(peer.pid());
				long[] times = samples[p];
				for (int i = 0; i < n; i++) {
					long start = System.nanoTime();
					peer.roundTrip(message);
					times[offset + i] = System.nanoTime() - start;
				}
				switches[p][0] += ContextSwitches.ofCurrentThread() - here;
				switches[p][1] += ContextSwitches.ofProcess(peer.pid()) - child;
				switches[p][2] += ContextSwitches.cpuNanosOfCurrentThread() - cpuHere;
				switches[p][3] += ContextSwitches.cpuNanosOfProcess(peer.pid()) - cpuChild;
			}
			done += n;
			block++;
		}
	}

	/** The parent's end of a {@code Chan} to a child running the tests' {@link Echo}. */
	static final class ChanPeer implements Peer {

		private final String name;

		private final Chan chan;

		private final Proc proc;

		private final Mode mode;

		private ChanPeer(String name, Chan chan, Proc proc, Mode mode) {
			this.name = name;
			this.chan = chan;
			this.proc = proc;
			this.mode = mode;
		}

		/**
		 * Start an echo child.
		 * @param mode how each round trip sends and receives
		 */
		static ChanPeer start(String name, ChanOptions options, Mode mode) {
			Chan chan = Chan.open(options);
			return new ChanPeer(name, chan,
					Proc.start(Echo.class, chan, ChildJava.procOptions().name("bench-echo").build()), mode);
		}

		@Override
		public String name() {
			return this.name;
		}

		@Override
		public long pid() {
			return this.proc.pid();
		}

		@Override
		public void roundTrip(byte[] message) {
			byte[] reply = switch (this.mode) {
				case UNTIMED -> {
					this.chan.send(message);
					yield this.chan.recv();
				}
				case TIMED -> {
					this.chan.send(message, TIMEOUT);
					yield this.chan.recv(TIMEOUT);
				}
				case REQUEST -> {
					this.chan.sendRequest(message, TIMEOUT);
					yield this.chan.recv(TIMEOUT);
				}
			};
			if (reply.length != message.length) {
				throw new IllegalStateException("Echo returned " + reply.length + " bytes for " + message.length);
			}
		}

		/** How a round trip sends and receives. */
		enum Mode {

			/** {@code send} and {@code recv} without timeouts. */
			UNTIMED,

			/** {@code send} and {@code recv} with {@link #TIMEOUT}. */
			TIMED,

			/**
			 * {@code sendRequest} and {@code recv} with {@link #TIMEOUT}, as a pool call.
			 */
			REQUEST

		}

		@Override
		public void close() {
			this.proc.close();
		}

	}

}
