package io.papers4j.datapipe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.datapipe.stage.Doc;
import io.papers4j.datapipe.stage.Stage;
import io.papers4j.datapipe.stage.Verdict;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs the cascade: ingest → each enabled stage (counting kept/removed, sampling removed examples)
 * → output part files and {@code _stats.json}. The output directory appears only when complete
 * (written to a sibling temporary directory, then renamed).
 */
public final class Pipeline {
  /** Name of the statistics file inside the output directory (Spark readers skip '_' files). */
  public static final String STATS_FILE = "_stats.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final SparkSession spark;
  private final PipelineConfig config;
  private final PrintStream log;

  public Pipeline(SparkSession spark, PipelineConfig config, PrintStream log) {
    this.spark = spark;
    this.config = config;
    this.log = log;
  }

  /** Surviving documents and what each stage did. */
  public record Outcome(JavaRDD<Doc> docs, List<StageReport> stages) {}

  /** Per-stage counts gathered in one pass over its verdicts. */
  private static final class Tally implements java.io.Serializable {
    final Map<String, Long> byReason = new TreeMap<>();
    long kept, keptChars, shortened;

    Tally add(Verdict x) {
      if (x.kept()) {
        kept++;
        keptChars += x.doc().text().length();
        if (x.charsRemoved() > 0) shortened++;
      } else {
        byReason.merge(x.reason(), 1L, Long::sum);
      }
      return this;
    }

    Tally merge(Tally o) {
      kept += o.kept;
      keptChars += o.keptChars;
      shortened += o.shortened;
      o.byReason.forEach((k, n) -> byReason.merge(k, n, Long::sum));
      return this;
    }
  }

  /**
   * Runs the enabled stages over {@code docs}. Each stage's verdicts are computed once (persisted),
   * counted in one pass, and its survivors are materialised before the verdicts and the stage's own
   * cached intermediates are released, so no stage recomputes an earlier one.
   */
  public Outcome runStages(JavaRDD<Doc> docs) throws Exception {
    List<Stage> stages = config.stages();
    List<StageReport> reports = new ArrayList<>();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Doc> cur = docs.persist(StorageLevel.MEMORY_AND_DISK());
    long curCount = cur.count();
    long curChars = cur.mapToDouble(d -> d.text().length()).sum().longValue();
    try (ProgressBar bar = new ProgressBar("datapipe", stages.size(), "doc")) {
      int step = 0;
      for (Stage s : stages) {
        long t0 = System.nanoTime();
        Set<Integer> cachedBefore = new HashSet<>(jsc.getPersistentRDDs().keySet());
        JavaRDD<Verdict> v = s.apply(cur, spark).persist(StorageLevel.MEMORY_AND_DISK());
        Tally t = v.aggregate(new Tally(), Tally::add, Tally::merge);
        Map<String, Long> byReason = t.byReason;
        long kept = t.kept;
        List<Map<String, String>> examples = new ArrayList<>();
        for (String reason : byReason.keySet()) {
          for (Verdict x : v.filter(y -> reason.equals(y.reason())).take(config.examples())) {
            Map<String, String> e = new LinkedHashMap<>();
            e.put("id", x.doc().id());
            e.put("reason", reason);
            e.put("note", x.note());
            e.put("excerpt", Ingest.excerpt(x.doc().text()));
            examples.add(e);
          }
        }
        JavaRDD<Doc> next = v.filter(Verdict::kept).map(Verdict::doc).persist(StorageLevel.MEMORY_AND_DISK());
        next.count(); // materialise the survivors while the verdicts are still cached
        double secs = (System.nanoTime() - t0) / 1e9;
        StageReport r =
            new StageReport(s.name(), curCount, kept, curCount - kept, curChars, t.keptChars, t.shortened, byReason, examples, secs,
                new LinkedHashMap<>(s.details()));
        reports.add(r);
        log.printf(Locale.ROOT, "datapipe [%d/%d] %-11s kept %,d  removed %,d%s  (%.1f s)%n", step + 1, stages.size(),
            s.name(), kept, curCount - kept, t.shortened > 0 ? String.format(Locale.ROOT, "  shortened %,d", t.shortened) : "", secs);
        // Release what the stage cached for itself (signatures, candidate pairs...) and the verdicts.
        for (Map.Entry<Integer, JavaRDD<?>> e : jsc.getPersistentRDDs().entrySet()) {
          if (!cachedBefore.contains(e.getKey()) && e.getKey() != next.id()) e.getValue().unpersist(false);
        }
        v.unpersist(false);
        cur.unpersist(false);
        cur = next;
        curCount = kept;
        curChars = t.keptChars;
        bar.update(++step, Double.NaN, r.input());
      }
    }
    return new Outcome(cur, reports);
  }

  /** The whole job: read, filter and dedup, write. Returns the statistics written. */
  public Map<String, Object> run(String input, String output, String outFormat, boolean overwrite) throws Exception {
    if (!outFormat.equals("jsonl") && !outFormat.equals("parquet")) {
      throw new IllegalArgumentException("--format must be jsonl or parquet, got '" + outFormat + "'");
    }
    long t0 = System.nanoTime();
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(output);
    FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (fs.exists(out) && !overwrite) {
      throw new IllegalArgumentException("output " + output + " already exists (use --overwrite to replace it)");
    }
    JavaRDD<BadInput> records = Ingest.read(spark, input, config.input()).persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Object> ingest = ingestReport(records);
    log.printf(Locale.ROOT, "datapipe: read %,d records, %,d documents, skipped %s%n",
        (Long) ingest.get("records"), (Long) ingest.get("documents"), ingest.get("skipped"));
    Outcome o = runStages(Ingest.number(records));
    records.unpersist(false);

    org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(out.getParent(), "." + out.getName() + ".tmp-" + UUID.randomUUID());
    // Documents numbered at ingest stay in seq order through the stages; sort only when they are not.
    JavaRDD<Doc> ordered = io.papers4j.datapipe.stage.SeqJoin.inOrder(o.docs()) ? o.docs() : o.docs().sortBy(Doc::seq, true, config.partitions());
    JavaRDD<String> lines =
        ordered.mapPartitions(it -> {
          ObjectMapper json = new ObjectMapper();
          List<String> part = new ArrayList<>();
          while (it.hasNext()) part.add(outputJson(json, it.next()));
          return part.iterator();
        });
    Dataset<String> ds = spark.createDataset(lines.rdd(), Encoders.STRING());
    if (outFormat.equals("parquet")) {
      spark.read().json(ds).write().parquet(tmp.toString());
    } else {
      ds.write().text(tmp.toString());
    }
    long outDocs = o.docs().count();
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("input", input);
    stats.put("output", output);
    stats.put("format", outFormat);
    stats.put("ingest", ingest);
    stats.put("stages", o.stages());
    stats.put("output_documents", outDocs);
    stats.put("seconds", (System.nanoTime() - t0) / 1e9);
    stats.put("config", config.asMap());
    try (OutputStream os = fs.create(new org.apache.hadoop.fs.Path(tmp, STATS_FILE))) {
      JSON.writeValue(os, stats);
    }
    if (fs.exists(out)) fs.delete(out, true);
    if (!fs.rename(tmp, out)) throw new IOException("output: could not move " + tmp + " to " + output);
    o.docs().unpersist(false);
    log.printf(Locale.ROOT, "datapipe: wrote %,d documents to %s (%.1f s)%n", outDocs, output, (System.nanoTime() - t0) / 1e9);
    return stats;
  }

  /** Record counts, skip reasons and examples of skipped records. */
  private Map<String, Object> ingestReport(JavaRDD<BadInput> records) {
    Map<String, Long> reasons = new TreeMap<>(records.map(r -> r.doc() == null ? r.reason() : "").countByValue());
    long good = reasons.getOrDefault("", 0L);
    reasons.remove("");
    long total = good + reasons.values().stream().mapToLong(Long::longValue).sum();
    List<Map<String, String>> examples = new ArrayList<>();
    for (BadInput b : records.filter(r -> r.doc() == null && !r.benign()).take(config.examples() * 4)) {
      examples.add(Map.of("reason", b.reason(), "where", b.where(), "excerpt", b.excerpt()));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("records", total);
    m.put("documents", good);
    m.put("skipped", reasons);
    m.put("skipped_examples", examples);
    return m;
  }

  /** The input object with its (possibly shortened) text. */
  static String outputJson(ObjectMapper json, Doc d) throws IOException {
    ObjectNode o = (ObjectNode) json.readTree(d.json());
    o.put("text", d.text());
    return o.toString();
  }

  /** Writes statistics as JSON (for tests and the reproduction). */
  public static String toJson(Object stats) throws IOException {
    return JSON.writeValueAsString(stats);
  }
}
