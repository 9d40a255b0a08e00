package dev.ceramic.pool;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Overrides the pool's {@code call-timeout} for one method of a service interface, or for
 * all methods of an interface.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
public @interface CallTimeout {

	/**
	 * The timeout, in milliseconds.
	 * @return the timeout in milliseconds
	 */
	long millis();

}
