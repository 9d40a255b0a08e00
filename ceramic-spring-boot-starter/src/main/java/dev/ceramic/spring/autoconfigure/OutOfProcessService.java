package dev.ceramic.spring.autoconfigure;

import java.util.List;

/**
 * One {@code @OutOfProcess} service found by the scan: an interface the application
 * calls, the class that implements it in the workers (known here only by name), its pool,
 * and the configuration classes of its worker context.
 *
 * @param serviceInterface the interface's class name
 * @param implementation the implementation's class name
 * @param pool the pool's name
 * @param configurations the configuration class names
 */
record OutOfProcessService(String serviceInterface, String implementation, String pool, List<String> configurations) {

}
