/**
 * Internals of the worker pool: the invocation protocol, the parent's handle on one
 * worker, and the worker's own entry point. Not an API.
 */
@NullMarked
package dev.ceramic.pool.internal;

import org.jspecify.annotations.NullMarked;
