/**
 * A pool of worker JVMs that run service implementations, and proxies that turn each
 * interface call into one synchronous message to a worker. Whatever a worker does (crash,
 * hang, leak, send garbage), the caller gets one of the exceptions under
 * {@link dev.ceramic.pool.WorkerPoolException} and the pool goes on serving.
 *
 * @see dev.ceramic.pool.WorkerPool
 */
@NullMarked
package dev.ceramic.pool;

import org.jspecify.annotations.NullMarked;
