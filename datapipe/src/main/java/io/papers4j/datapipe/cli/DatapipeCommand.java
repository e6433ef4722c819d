package io.papers4j.datapipe.cli;

import io.papers4j.core.cli.CliCommand;
import io.papers4j.core.cli.ParentCommand;
import picocli.CommandLine.Command;

/** {@code papers4j datapipe}: Yi-style cascaded filtering and deduplication on Apache Spark. */
@Command(
    name = "datapipe",
    mixinStandardHelpOptions = true,
    description = "Yi-style data pipeline on Apache Spark: language ID, heuristic and learned filters, exact, MinHash-LSH and sub-document dedup.",
    subcommands = {RunCommand.class, StatsCommand.class, TrainLangIdCommand.class})
public final class DatapipeCommand extends ParentCommand implements CliCommand {
}
