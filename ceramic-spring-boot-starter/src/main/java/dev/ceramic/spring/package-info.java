/**
 * Annotations that mark services to run out of process.
 */
@NullMarked
package dev.ceramic.spring;

import org.jspecify.annotations.NullMarked;
