package io.papers4j.core.cli;

/**
 * Marker for a top-level {@code papers4j <system>} command. Implementations are picocli
 * {@code @Command} classes with a public no-argument constructor, listed in {@code
 * META-INF/services/io.papers4j.core.cli.CliCommand} of their module; the CLI adds every one it finds
 * as a subcommand, so a module plugs in without editing the CLI.
 */
public interface CliCommand {}
