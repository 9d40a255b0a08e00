package dev.ceramic.test.channel;

import java.util.Arrays;

/**
 * A record with byte array fields, sent over typed channels in tests.
 *
 * @param name a name
 * @param data some bytes
 * @param extra more bytes
 */
public record TypedBlob(String name, byte[] data, byte[] extra) {

	@Override
	public boolean equals(Object other) {
		return other instanceof TypedBlob blob && this.name.equals(blob.name) && Arrays.equals(this.data, blob.data)
				&& Arrays.equals(this.extra, blob.extra);
	}

	@Override
	public int hashCode() {
		return 31 * (31 * this.name.hashCode() + Arrays.hashCode(this.data)) + Arrays.hashCode(this.extra);
	}

	@Override
	public String toString() {
		return "TypedBlob[" + this.name + ", " + this.data.length + " bytes, " + this.extra.length + " bytes]";
	}

}
