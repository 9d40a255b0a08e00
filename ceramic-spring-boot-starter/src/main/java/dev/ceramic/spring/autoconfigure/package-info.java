/**
 * Auto-configuration of ceramic's worker pools: discovery of {@code @OutOfProcess}
 * services, {@code ceramic.*} properties, pool lifecycle and launch modes.
 */
@NullMarked
package dev.ceramic.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
