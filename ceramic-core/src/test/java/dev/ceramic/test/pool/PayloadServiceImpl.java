package dev.ceramic.test.pool;

import java.nio.ByteBuffer;

/** The implementation of {@link PayloadService}, run in worker JVMs. */
public class PayloadServiceImpl implements PayloadService {

	@Override
	public long pid() {
		return ProcessHandle.current().pid();
	}

	@Override
	public int length(byte[] bytes) {
		return bytes.length;
	}

	@Override
	public long checksum(byte[] bytes) {
		return PayloadService.checksumOf(bytes);
	}

	@Override
	public byte[] make(int size, int seed) {
		return PayloadService.pattern(size, seed);
	}

	@Override
	public byte[] echo(byte[] bytes) {
		return bytes;
	}

	@Override
	public ByteBuffer echoBuffer(ByteBuffer buffer) {
		return buffer;
	}

	@Override
	public Blob echoBlob(Blob blob) {
		return blob;
	}

	@Override
	public void halt(byte[] bytes) {
		Runtime.getRuntime().halt(7);
	}

}
