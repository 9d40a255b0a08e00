/**
 * What runs inside a worker JVM: the lean Spring context that makes the services.
 */
@NullMarked
package dev.ceramic.spring.worker;

import org.jspecify.annotations.NullMarked;
