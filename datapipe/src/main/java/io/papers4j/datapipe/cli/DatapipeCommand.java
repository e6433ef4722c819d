package io.papers4j.datapipe.cli;

import io.papers4j.core.cli.CliCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code papers4j datapipe}: Yi-style cascaded filtering and deduplication on Apache Spark. */
@Command(
    name = "datapipe",
    mixinStandardHelpOptions = true,
    description = "Yi-style data pipeline on Apache Spark: language ID, heuristic and learned filters, exact, MinHash-LSH and sub-document dedup.",
    subcommands = {RunCommand.class, StatsCommand.class, TrainLangIdCommand.class})
public final class DatapipeCommand implements CliCommand, Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
