package dev.ceramic.test;

/**
 * The implementation of {@link BehaviourVersioned}.
 */
public class BehaviourVersionedImpl implements BehaviourVersioned {

	@Override
	public String describe(int level) {
		return "level " + level;
	}

}
