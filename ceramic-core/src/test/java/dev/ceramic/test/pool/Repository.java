package dev.ceramic.test.pool;

import java.util.List;

/**
 * A generic interface that service interfaces extend with a type argument, as
 * repositories often do.
 *
 * @param <T> the type of the values
 */
public interface Repository<T> {

	/**
	 * Find a value.
	 * @param id its id
	 * @return the value
	 */
	T find(int id);

	/**
	 * Store a value.
	 * @param value the value
	 * @return what was stored, as the implementation received it
	 */
	T store(T value);

	/**
	 * Find values.
	 * @param ids their ids
	 * @return the values
	 */
	List<T> findAll(List<Integer> ids);

}
