/**
 * A web application that calls libc through JNA, out of process with ceramic: name
 * resolution through the native {@code getaddrinfo}, a real segfault and a native sleep
 * that outlasts its timeout.
 */
@NullMarked
package dev.ceramic.sample;

import org.jspecify.annotations.NullMarked;
