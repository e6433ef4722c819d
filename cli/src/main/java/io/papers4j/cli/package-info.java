/**
 * The {@code papers4j} command: finds the systems' commands, reproductions and benchmarks through
 * ServiceLoader and runs them.
 */
package io.papers4j.cli;
