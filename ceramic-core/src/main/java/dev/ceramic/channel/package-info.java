/**
 * Synchronous, unbuffered channels between processes over an AF_UNIX socketpair: Go's
 * {@code chan(0)} semantics, where {@code send} returns only once the peer's {@code recv}
 * has taken the message.
 *
 * @see dev.ceramic.channel.Chan
 */
@NullMarked
package dev.ceramic.channel;

import org.jspecify.annotations.NullMarked;
