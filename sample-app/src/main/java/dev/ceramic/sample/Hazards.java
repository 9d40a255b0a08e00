package dev.ceramic.sample;

/**
 * Native calls that go wrong on purpose, to show what isolation does.
 */
public interface Hazards {

	/**
	 * Make the C library read address zero: a real segmentation fault in native code.
	 */
	void segfault();

	/**
	 * Sleep in the C library's {@code sleep}, which no Java interrupt can stop.
	 * @param seconds how long
	 * @return the pid of the worker that slept
	 */
	long sleep(int seconds);

}
