package dev.ceramic.test.pool;

import dev.ceramic.pool.ReflectiveServiceFactory;

/**
 * Makes services as {@link ReflectiveServiceFactory} does, but takes its time to close
 * when the worker is told goodbye, as a service releasing resources slowly would: the
 * worker lingers for a minute before it exits.
 */
public class LingeringFactory extends ReflectiveServiceFactory {

	@Override
	public void close() {
		try {
			Thread.sleep(60_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
