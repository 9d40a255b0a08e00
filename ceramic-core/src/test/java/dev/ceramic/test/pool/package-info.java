/**
 * Fixtures of the pool's tests: service interfaces and their implementations that run in
 * worker JVMs, factories and impostors that make workers fail, and helpers that build
 * pools with generous deadlines and find their workers.
 */
@NullMarked
package dev.ceramic.test.pool;

import org.jspecify.annotations.NullMarked;
