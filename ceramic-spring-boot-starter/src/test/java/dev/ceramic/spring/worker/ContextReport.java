package dev.ceramic.spring.worker;

import java.util.List;

/**
 * Reports on the worker that runs it.
 */
public interface ContextReport {

	/**
	 * Return the worker's pid and the beans of its Spring context, if it has one.
	 * @return the report
	 */
	Report report();

	/**
	 * What a worker reports.
	 *
	 * @param pid the worker's pid
	 * @param beanNames the beans of its context; empty without Spring
	 */
	record Report(long pid, List<String> beanNames) {

	}

}
