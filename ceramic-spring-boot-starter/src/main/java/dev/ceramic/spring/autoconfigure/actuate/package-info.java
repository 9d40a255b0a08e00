/**
 * Actuator support: a health indicator per pool and the {@code ceramic} endpoint.
 */
@NullMarked
package dev.ceramic.spring.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
