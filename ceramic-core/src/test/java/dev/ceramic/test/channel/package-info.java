/**
 * Fixtures of the channel's tests: the child side of cross-process, typed and
 * descriptor-passing channels, and the values sent over typed channels.
 */
@NullMarked
package dev.ceramic.test.channel;

import org.jspecify.annotations.NullMarked;
