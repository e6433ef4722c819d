package io.papers4j.core.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * A named benchmark run by {@code papers4j bench <name>} (found through ServiceLoader, listed in
 * {@code META-INF/services/io.papers4j.core.cli.Benchmark}). It prints its table to {@code out} and
 * returns the Markdown section that the CLI writes into {@code docs/BENCHMARKS.md} under its name.
 */
public interface Benchmark {
  String name();

  String description();

  /** Runs with the extra command-line arguments and returns the Markdown section body. */
  String run(List<String> args, PrintStream out) throws Exception;
}
