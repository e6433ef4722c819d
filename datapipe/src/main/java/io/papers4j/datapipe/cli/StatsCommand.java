package io.papers4j.datapipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.datapipe.BadInput;
import io.papers4j.datapipe.Ingest;
import io.papers4j.datapipe.Pipeline;
import io.papers4j.datapipe.SparkSessions;
import io.papers4j.datapipe.stage.Doc;
import java.io.PrintStream;
import java.nio.file.Files;
import io.papers4j.core.cli.Location;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.StatCounter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code papers4j datapipe stats}: what a corpus holds (records, skipped input, length
 * distribution), or, for a pipeline output directory, its funnel.
 */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Corpus statistics, or the funnel of a pipeline output directory.")
final class StatsCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, description = "JSON-lines/Parquet corpus, or an output directory of `datapipe run`.")
  Location input;

  @Option(names = "--master", description = "Spark master URL (default: embedded local[*]).")
  String master;

  @Override
  public Integer call() throws Exception {
    Path stats = Path.of(input.value()).resolve(Pipeline.STATS_FILE);
    if (Files.exists(stats)) printFunnel(stats, System.out);
    try (SparkSession spark = SparkSessions.open(master, 8)) {
      JavaRDD<BadInput> rec = Ingest.read(spark, input.value(), Ingest.Config.defaults()).cache();
      Map<String, Long> reasons = new TreeMap<>(rec.map(r -> r.doc() == null ? r.reason() : "ok").countByValue());
      JavaRDD<Doc> docs = Ingest.number(rec);
      StatCounter chars = docs.mapToDouble(d -> d.text().length()).stats();
      StatCounter words = docs.mapToDouble(d -> d.text().split("\\s+").length).stats();
      PrintStream o = System.out;
      o.printf(Locale.ROOT, "input       %s%n", input);
      o.printf(Locale.ROOT, "records     %s%n", reasons);
      o.printf(Locale.ROOT, "documents   %,d%n", chars.count());
      o.printf(Locale.ROOT, "characters  total %,.0f  mean %,.1f  min %,.0f  max %,.0f%n", chars.sum(), chars.mean(), chars.min(), chars.max());
      o.printf(Locale.ROOT, "words       total %,.0f  mean %,.1f  min %,.0f  max %,.0f%n", words.sum(), words.mean(), words.min(), words.max());
    }
    return 0;
  }

  /** The funnel table of a statistics file. */
  static void printFunnel(Path statsFile, PrintStream o) throws Exception {
    JsonNode s = new ObjectMapper().readTree(statsFile.toFile());
    JsonNode in = s.get("ingest");
    o.printf(Locale.ROOT, "%-12s %10s %10s %10s %12s  %s%n", "stage", "in", "kept", "removed", "chars out", "top reasons");
    o.printf(Locale.ROOT, "%-12s %10d %10d %10d %12s  %s%n", "ingest", in.get("records").asLong(), in.get("documents").asLong(),
        in.get("records").asLong() - in.get("documents").asLong(), "", in.get("skipped"));
    for (JsonNode st : s.get("stages")) {
      o.printf(Locale.ROOT, "%-12s %10d %10d %10d %12d  %s%n", st.get("name").asText(), st.get("input").asLong(),
          st.get("kept").asLong(), st.get("removed").asLong(), st.get("charsOut").asLong(), st.get("removedByReason"));
    }
    o.printf(Locale.ROOT, "output: %d documents (%s)%n", s.get("output_documents").asLong(), statsFile);
  }
}
