/**
 * A pool of worker JVMs that run service implementations, and proxies that turn each
 * interface call into one synchronous message to a worker. Whatever a worker does (crash,
 * hang, leak, send garbage), the caller gets one of the exceptions under
 * {@link dev.ceramic.pool.WorkerPoolException} and the pool goes on serving. The pool's
 * parts (call dispatch, leasing, supervision, house-keeping, the handle on each worker)
 * are package-private behind {@link dev.ceramic.pool.WorkerPool}, and so is what the
 * application and a worker JVM share: the invocation protocol, the method table both
 * number calls by, and the call receipt. {@link dev.ceramic.pool.WorkerMain} is public
 * only because it is the worker JVM's entry point.
 *
 * @see dev.ceramic.pool.WorkerPool
 */
@NullMarked
package dev.ceramic.pool;

import org.jspecify.annotations.NullMarked;
