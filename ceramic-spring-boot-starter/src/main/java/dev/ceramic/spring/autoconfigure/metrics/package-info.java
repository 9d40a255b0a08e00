/**
 * Micrometer support: call timers and observations, worker gauges and counters.
 */
@NullMarked
package dev.ceramic.spring.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
