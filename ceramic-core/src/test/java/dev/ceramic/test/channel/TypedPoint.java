package dev.ceramic.test.channel;

/**
 * A record sent over typed channels in tests.
 *
 * @param label a label
 * @param x the x coordinate
 * @param y the y coordinate
 */
public record TypedPoint(String label, int x, int y) {

	/**
	 * What {@link TypedPeer} makes of a point, so that a reply proves the peer decoded
	 * it.
	 * @return the transformed point
	 */
	public TypedPoint transformed() {
		return new TypedPoint(this.label + "!", this.x + 1, this.y * 2);
	}

}
