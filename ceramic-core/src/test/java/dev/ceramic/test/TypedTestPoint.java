package dev.ceramic.test;

/**
 * A record sent over typed channels in tests.
 *
 * @param label a label
 * @param x the x coordinate
 * @param y the y coordinate
 */
public record TypedTestPoint(String label, int x, int y) {

	/**
	 * What {@link TypedTestPeer} makes of a point, so that a reply proves the peer
	 * decoded it.
	 * @return the transformed point
	 */
	public TypedTestPoint transformed() {
		return new TypedTestPoint(this.label + "!", this.x + 1, this.y * 2);
	}

}
