/**
 * ceramic runs chosen services in a pool of isolated worker JVMs. This package holds the
 * root of its exception tree; the channel, the child process and the pool live in the
 * packages below it.
 *
 * @see dev.ceramic.CeramicException
 */
@NullMarked
package dev.ceramic;

import org.jspecify.annotations.NullMarked;
