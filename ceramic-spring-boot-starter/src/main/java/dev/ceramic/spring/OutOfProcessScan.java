package dev.ceramic.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.ceramic.spring.autoconfigure.OutOfProcessScanPackages;
import org.springframework.context.annotation.Import;

/**
 * Scans further packages for {@link OutOfProcess} services. Without it, the packages of
 * the application's auto-configuration (the package of {@code @SpringBootApplication})
 * are scanned, as Spring Boot does for entities.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Import(OutOfProcessScanPackages.Registrar.class)
public @interface OutOfProcessScan {

	/**
	 * Base packages to scan.
	 * @return the packages
	 */
	String[] basePackages() default {};

	/**
	 * Classes whose packages are scanned, a type-safe alternative to
	 * {@link #basePackages()}.
	 * @return the classes
	 */
	Class<?>[] basePackageClasses() default {};

}
