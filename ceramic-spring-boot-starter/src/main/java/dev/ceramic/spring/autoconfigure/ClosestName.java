package dev.ceramic.spring.autoconfigure;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the name a misspelt one was most likely meant to be, by edit distance, for "did
 * you mean" hints.
 */
final class ClosestName {

	private ClosestName() {
	}

	/**
	 * Return the candidate closest to {@code name}, if it is close enough to be a
	 * misspelling of it: at most a third of the longer name's characters differ (and at
	 * least one may), and not every character of the shorter one. A dotted candidate,
	 * such as {@code limits.data-size}, is also compared by its last part, so that a key
	 * written without its group is found.
	 * @param name the name as written
	 * @param candidates the valid names
	 * @return the closest, or empty when none is close
	 */
	static Optional<String> of(String name, Collection<String> candidates) {
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (String candidate : candidates) {
			String last = candidate.substring(candidate.lastIndexOf('.') + 1);
			for (String compared : new String[] { candidate, last }) {
				int distance = distance(name, compared);
				int longer = Math.max(name.length(), compared.length());
				int shorter = Math.min(name.length(), compared.length());
				boolean close = distance <= Math.max(1, longer / 3) && distance < shorter;
				if (close && distance < bestDistance) {
					best = candidate;
					bestDistance = distance;
				}
			}
		}
		return Optional.ofNullable(best);
	}

	/** The Levenshtein distance, case ignored. */
	static int distance(String a, String b) {
		String x = a.toLowerCase(Locale.ROOT);
		String y = b.toLowerCase(Locale.ROOT);
		int[] previous = new int[y.length() + 1];
		int[] current = new int[y.length() + 1];
		for (int j = 0; j <= y.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= x.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= y.length(); j++) {
				int substitution = previous[j - 1] + ((x.charAt(i - 1) == y.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[y.length()];
	}

}
