/**
 * Fixtures of the tests that start child JVMs: entry classes that echo, print, report
 * about themselves, exit, hang or fail to start, and the options and checks those tests
 * share. The benchmarks launch some of them too.
 */
@NullMarked
package dev.ceramic.test.proc;

import org.jspecify.annotations.NullMarked;
