package dev.ceramic.test.pool;

/**
 * The implementation of {@link Versioned}.
 */
public class VersionedImpl implements Versioned {

	@Override
	public String describe(int level) {
		return "level " + level;
	}

}
