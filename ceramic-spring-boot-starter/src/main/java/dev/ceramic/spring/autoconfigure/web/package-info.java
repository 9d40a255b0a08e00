/**
 * Problem details (RFC 9457) for ceramic's exceptions in Spring MVC and WebFlux
 * applications.
 */
@NullMarked
package dev.ceramic.spring.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
