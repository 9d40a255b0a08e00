package dev.ceramic.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a service implementation that runs in a pool of worker JVMs instead of the
 * application. For each service interface the class implements, the application gets a
 * bean: a proxy whose every call is one synchronous message to a worker. The application
 * never loads the class itself.
 *
 * <p>
 * Inside each worker the class is a bean of a small Spring context (no web server) that
 * holds it, the {@link #configuration() configuration classes} named here, and the
 * application's environment, so {@code @Value}, {@code @ConfigurationProperties} and
 * constructor injection work. The class must not also be a Spring component of the
 * application.
 *
 * <pre class="code">
 * &#64;OutOfProcess(pool = "native")
 * public class NativeResolver implements Resolver { ... }
 * </pre>
 *
 * @see OutOfProcessScan
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OutOfProcess {

	/**
	 * The pool whose workers run this service, configured under
	 * {@code ceramic.pools.<name>}.
	 * @return the pool name
	 */
	String pool() default "default";

	/**
	 * Configuration classes for the worker's Spring context, for the beans this service
	 * needs.
	 * @return the configuration classes
	 */
	Class<?>[] configuration() default {};

}
