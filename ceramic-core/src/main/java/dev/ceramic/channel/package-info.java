/**
 * Synchronous, unbuffered channels between processes over an AF_UNIX socketpair: Go's
 * {@code chan(0)} semantics, where {@code send} returns only once the peer's {@code recv}
 * has taken the message.
 *
 * <p>
 * The public API: {@link dev.ceramic.channel.Chan}, one end of a channel, with its
 * {@link dev.ceramic.channel.ChanOptions}; {@link dev.ceramic.channel.ChildEnd}, the
 * other end on its way to a child process; {@link dev.ceramic.channel.TypedSender} and
 * {@link dev.ceramic.channel.TypedReceiver}, which carry values encoded by a
 * {@link dev.ceramic.channel.JsonCodec}; and the failures, each a final subclass of
 * {@link dev.ceramic.channel.ChannelException}, of which
 * {@link dev.ceramic.channel.ChannelClosedException} is the one way the end of a channel
 * is reported.
 *
 * <p>
 * Behind {@code Chan}, package-private: {@code Rendezvous}, the state machine of one end;
 * {@code DeadlockArbiter}, which tells when both ends are stuck sending;
 * {@code DelayedAck} and the {@code AckFlusher} thread, which hold acknowledgements back
 * and write the overdue ones; {@code FrameWriter} and {@code FrameReader} over the
 * {@code ChannelSocket} ({@code UnixSocket}, or a child's {@code StandardInputSocket});
 * {@code Frame}, the wire format; and {@code SocketPair}, which connects a new pair.
 *
 * @see dev.ceramic.channel.Chan
 */
@NullMarked
package dev.ceramic.channel;

import org.jspecify.annotations.NullMarked;
