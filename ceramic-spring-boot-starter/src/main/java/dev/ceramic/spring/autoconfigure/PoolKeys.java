package dev.ceramic.spring.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;

/**
 * The keys that bind under {@code ceramic.pools.<name>} and {@code ceramic.defaults},
 * read from {@link PoolProperties} by reflection as the binder reads them: each bean
 * property, its nested groups (such as {@code limits}) key by key, and maps and lists
 * with whatever keys or indexes they hold. Never a list kept by hand, so that a new
 * property is known the moment it exists.
 */
final class PoolKeys {

	/**
	 * Keys by their uniform form (lower case, letters and digits only), as the binder
	 * matches them.
	 */
	private final Map<String, Key> keys;

	private PoolKeys(Map<String, Key> keys) {
		this.keys = keys;
	}

	/**
	 * Return the keys of a pool.
	 * @return the keys
	 */
	static PoolKeys ofPools() {
		return of(PoolProperties.class);
	}

	private static PoolKeys of(Class<?> type) {
		Map<String, Key> keys = new LinkedHashMap<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			Class<?> propertyType = descriptor.getPropertyType();
			if (descriptor.getReadMethod() == null || descriptor.getWriteMethod() == null || propertyType == null) {
				continue;
			}
			String name = DataObjectPropertyName.toDashedForm(descriptor.getName());
			PoolKeys group = isGroup(propertyType) ? of(propertyType) : null;
			boolean open = Map.class.isAssignableFrom(propertyType) || Collection.class.isAssignableFrom(propertyType)
					|| propertyType.isArray();
			keys.put(uniform(name), new Key(name, open, group));
		}
		return new PoolKeys(keys);
	}

	/** A group of keys: a class of ceramic's own properties, such as {@code Limits}. */
	private static boolean isGroup(Class<?> type) {
		return !type.isEnum() && type.getPackageName().equals(PoolProperties.class.getPackageName());
	}

	/**
	 * Check a key written under a pool's prefix.
	 * @param name the whole key, such as {@code ceramic.pools.docs.max-worker}
	 * @param start the index of its first element after the prefix
	 * @return {@code null} when it binds; otherwise the key's part from {@code start}
	 * that does not, with the closest valid key
	 */
	@Nullable Unknown check(ConfigurationPropertyName name, int start) {
		PoolKeys level = this;
		for (int i = start; i < name.getNumberOfElements(); i++) {
			String element = name.getElement(i, Form.UNIFORM);
			Key key = (level != null) ? level.keys.get(element) : null;
			if (key == null) {
				String written = written(name, start, i + 1);
				return new Unknown(written, ClosestName.of(dashed(written), allNames("")).orElse(null));
			}
			if (key.open()) {
				return null;
			}
			level = key.group();
		}
		return null;
	}

	/**
	 * Return every key, with groups' keys in full, such as {@code limits.data-size}.
	 * @param prefix what to put before each
	 * @return the keys
	 */
	List<String> allNames(String prefix) {
		List<String> names = new ArrayList<>();
		for (Key key : this.keys.values()) {
			if (key.group() != null) {
				names.addAll(key.group().allNames(prefix + key.name() + "."));
			}
			else {
				names.add(prefix + key.name());
			}
		}
		return names;
	}

	private static String written(ConfigurationPropertyName name, int from, int to) {
		StringBuilder written = new StringBuilder();
		for (int i = from; i < to; i++) {
			written.append((i > from) ? "." : "").append(name.getElement(i, Form.ORIGINAL));
		}
		return written.toString();
	}

	/** A key as written (maxWorker, max_worker) in the binder's dashed form. */
	private static String dashed(String written) {
		return DataObjectPropertyName.toDashedForm(written.replace('_', '-'));
	}

	private static String uniform(String dashed) {
		return dashed.replace("-", "");
	}

	/**
	 * One key.
	 *
	 * @param name its dashed form
	 * @param open whether anything may follow it (a map's keys, a list's indexes)
	 * @param group its own keys, for a group
	 */
	private record Key(String name, boolean open, @Nullable PoolKeys group) {

	}

	/**
	 * A key that does not bind.
	 *
	 * @param key the key as written, from after the pool's prefix
	 * @param closest the closest valid key, if one is close
	 */
	record Unknown(String key, @Nullable String closest) {

	}

}
