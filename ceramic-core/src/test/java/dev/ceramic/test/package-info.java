/**
 * What the core's tests share across packages: how a test waits for another thread or
 * process, and what this JVM holds of the operating system. Fixtures live in the
 * subpackages named after what they serve: {@code pool}, {@code proc} and
 * {@code channel}.
 */
@NullMarked
package dev.ceramic.test;

import org.jspecify.annotations.NullMarked;
