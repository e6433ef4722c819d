/** The {@code papers4j arena} commands (serve, ratings, simulate) and the Arena benchmark. */
package io.papers4j.arena.cli;
