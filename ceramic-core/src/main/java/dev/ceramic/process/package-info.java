/**
 * Child JVMs that run an entry class with their end of a
 * {@link dev.ceramic.channel.Chan}.
 *
 * @see dev.ceramic.process.Proc
 */
@NullMarked
package dev.ceramic.process;

import org.jspecify.annotations.NullMarked;
