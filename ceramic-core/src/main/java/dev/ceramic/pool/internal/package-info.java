/**
 * What the application and a worker JVM share, and the worker's side: the invocation
 * protocol and its messages, the method table both number calls by, the call receipt, the
 * translation of a worker's exceptions, and {@link dev.ceramic.pool.internal.WorkerMain},
 * the worker's entry point. Public only because {@link dev.ceramic.pool} on the
 * application's side uses it; not an API.
 */
@NullMarked
package dev.ceramic.pool.internal;

import org.jspecify.annotations.NullMarked;
