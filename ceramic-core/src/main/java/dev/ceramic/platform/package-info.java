/**
 * What ceramic needs from the operating system beyond plain Java, in one place:
 * {@link dev.ceramic.platform.Platform} says which mechanisms this system offers (Linux's
 * {@code /proc}, junixsocket's socket hand-over), so that the rest of the code never asks
 * which system it runs on and a port touches one class.
 */
@NullMarked
package dev.ceramic.platform;

import org.jspecify.annotations.NullMarked;
