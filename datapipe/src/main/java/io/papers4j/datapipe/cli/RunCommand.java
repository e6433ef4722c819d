package io.papers4j.datapipe.cli;

import io.papers4j.datapipe.Pipeline;
import io.papers4j.datapipe.PipelineConfig;
import io.papers4j.datapipe.SparkSessions;
import io.papers4j.core.cli.Location;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code papers4j datapipe run}: the whole cascade over a corpus. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Filter and deduplicate a corpus (JSON-lines or Parquet).")
final class RunCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, description = "JSON-lines file/directory/glob ({\"id\", \"text\", ...}) or Parquet.")
  Location input;

  @Option(names = "--output", required = true, description = "Output directory (part files + _stats.json).")
  Location output;

  @Option(names = "--config", description = "YAML file overriding the defaults (see docs/datapipe.md).")
  Path config;

  @Option(names = "--master", description = "Spark master URL (default: embedded local[*]).")
  String master;

  @Option(names = "--format", defaultValue = "jsonl", description = "Output format: jsonl or parquet (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--overwrite", description = "Replace an existing output directory.")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    PipelineConfig c = config == null ? PipelineConfig.defaults() : PipelineConfig.load(config);
    try (SparkSession spark = SparkSessions.open(master, c.partitions())) {
      new Pipeline(spark, c, System.err).run(input.value(), output.value(), format, overwrite);
      StatsCommand.printFunnel(Path.of(output.value()).resolve(Pipeline.STATS_FILE), System.out);
    }
    return 0;
  }
}
