package dev.ceramic.spring.autoconfigure;

import java.util.List;

/**
 * Every {@code @OutOfProcess} service the scan found, held as a bean for the pools to be
 * built from.
 *
 * @param services the services
 */
record OutOfProcessServices(List<OutOfProcessService> services) {

	static final String BEAN_NAME = OutOfProcessServices.class.getName();

}
