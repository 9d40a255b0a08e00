/**
 * Child JVMs that run an entry class with their end of a
 * {@link dev.ceramic.channel.Chan}: the Java form of the ceramic seed's
 * {@code Proc::new(closure)}.
 *
 * @see dev.ceramic.process.Proc
 */
@NullMarked
package dev.ceramic.process;

import org.jspecify.annotations.NullMarked;
