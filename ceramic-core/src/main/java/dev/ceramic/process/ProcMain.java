package dev.ceramic.process;

import dev.ceramic.channel.Chan;

/**
 * The code a child process runs. A JVM cannot fork a closure, so the child gets a class
 * instead, made with its public no-argument constructor, and its end of the channel. The
 * child exits with status 0 when {@link #run} returns and 1 when it throws.
 */
@FunctionalInterface
public interface ProcMain {

	/**
	 * Run in the child process.
	 * @param chan the child's end of the channel
	 * @throws Exception on failure, which ends the child with status 1
	 */
	void run(Chan chan) throws Exception;

}
