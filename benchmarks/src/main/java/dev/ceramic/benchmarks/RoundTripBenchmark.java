package dev.ceramic.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.ceramic.channel.Chan;
import dev.ceramic.process.Proc;
import dev.ceramic.process.ProcOptions;

/**
 * Round trips parent to child to parent, {@code Chan} beside a raw junixsocket stream,
 * interleaved block by block so that noise from other work on the machine falls on both
 * alike.
 */
final class RoundTripBenchmark {

	private static final int BLOCK = 500;

	private final int warmup;

	private final int iterations;

	RoundTripBenchmark(int warmup, int iterations) {
		this.warmup = warmup;
		this.iterations = iterations;
	}

	record Result(int size, Stats chan, Stats raw) {
	}

	List<Result> run(int... sizes) throws Exception {
		List<Result> results = new ArrayList<>();
		Chan chan = Chan.open();
		try (Proc proc = Proc.start(EchoEntry.class, chan, ProcOptions.builder().name("bench-echo").build())) {
			for (int size : sizes) {
				try (RawPeer raw = RawPeer.start(size)) {
					results.add(measure(chan, raw, size));
				}
			}
		}
		return results;
	}

	private Result measure(Chan chan, RawPeer raw, int size) throws IOException {
		byte[] message = new byte[size];
		for (int i = 0; i < size; i++) {
			message[i] = (byte) i;
		}
		long[] chanSamples = new long[this.iterations];
		long[] rawSamples = new long[this.iterations];
		interleave(chan, raw, message, new long[BLOCK], new long[BLOCK], this.warmup, true);
		interleave(chan, raw, message, chanSamples, rawSamples, this.iterations, false);
		return new Result(size, Stats.of(chanSamples, this.iterations), Stats.of(rawSamples, this.iterations));
	}

	private static void interleave(Chan chan, RawPeer raw, byte[] message, long[] chanSamples, long[] rawSamples,
			int total, boolean wrap) throws IOException {
		int done = 0;
		int block = 0;
		while (done < total) {
			int n = Math.min(BLOCK, total - done);
			int offset = wrap ? 0 : done;
			// ABBA order, so that neither side always runs right after the other.
			if (block % 2 == 0) {
				chanBlock(chan, message, chanSamples, offset, n);
				rawBlock(raw, message, rawSamples, offset, n);
			}
			else {
				rawBlock(raw, message, rawSamples, offset, n);
				chanBlock(chan, message, chanSamples, offset, n);
			}
			done += n;
			block++;
		}
	}

	private static void chanBlock(Chan chan, byte[] message, long[] samples, int offset, int n) {
		for (int i = 0; i < n; i++) {
			long start = System.nanoTime();
			chan.send(message);
			byte[] reply = chan.recv();
			samples[offset + i] = System.nanoTime() - start;
			if (reply.length != message.length) {
				throw new IllegalStateException("Echo returned " + reply.length + " bytes for " + message.length);
			}
		}
	}

	private static void rawBlock(RawPeer raw, byte[] message, long[] samples, int offset, int n) throws IOException {
		for (int i = 0; i < n; i++) {
			long start = System.nanoTime();
			raw.roundTrip(message);
			samples[offset + i] = System.nanoTime() - start;
		}
	}

}
