package dev.ceramic.test.proc;

/**
 * An entry class that prints text without a line end on standard output while it is
 * loaded, as a progress indicator or a banner might, then echoes until the channel
 * closes.
 */
public class PartialLine extends Echo {

	/** The text printed, with no line end. */
	public static final String PARTIAL = "PartialLine: loading...";

	static {
		System.out.print(PARTIAL);
		System.out.flush();
	}

}
