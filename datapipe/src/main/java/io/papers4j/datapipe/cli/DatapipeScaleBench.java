package io.papers4j.datapipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.datapipe.Ingest;
import io.papers4j.datapipe.Pipeline;
import io.papers4j.datapipe.PipelineConfig;
import io.papers4j.datapipe.SparkSessions;
import io.papers4j.datapipe.cli.DatapipeBenchmark.DedupRun;
import io.papers4j.datapipe.eval.DedupQuality;
import io.papers4j.datapipe.eval.ScaleCorpus;
import io.papers4j.datapipe.stage.Doc;
import java.io.BufferedReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * {@code papers4j bench datapipe -- --scale 1000,10000,100000}: the default cascade on corpora of
 * the given sizes ({@link ScaleCorpus}: real Debian text, planted duplicates), per size and per
 * stage documents/s and MB/s per core, and MinHash-LSH alone (ours vs Spark MLlib's {@code
 * MinHashLSH}, the peer cancelled after a time limit and then skipped for larger sizes; exact
 * all-pairs Jaccard as the baseline up to {@link #EXACT_MAX} documents).
 */
final class DatapipeScaleBench {
  private DatapipeScaleBench() {}

  /** Largest corpus the n² exact baseline runs on. */
  static final int EXACT_MAX = 20_000;

  /** Parsed {@code --scale} arguments. */
  record Args(List<Integer> sizes, double duplicateRate, long seed, int peerLimitS) {}

  static Args parse(List<String> args) {
    List<Integer> sizes = null;
    double dup = 0.10;
    long seed = 42;
    int limit = 120;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (i + 1 >= args.size()) throw new IllegalArgumentException("bench datapipe: " + a + " needs a value");
      String v = args.get(++i);
      try {
        switch (a) {
          case "--scale" -> {
            sizes = new ArrayList<>();
            for (String s : v.split(",")) {
              int n = Integer.parseInt(s.strip().replace("_", ""));
              if (n < 100) throw new IllegalArgumentException("bench datapipe: --scale sizes must be >= 100, got " + n);
              sizes.add(n);
            }
            sizes.sort(null);
          }
          case "--dup" -> dup = Double.parseDouble(v);
          case "--seed" -> seed = Long.parseLong(v);
          case "--peer-limit" -> limit = Integer.parseInt(v);
          default -> throw new IllegalArgumentException("bench datapipe: unknown argument '" + a + "' (--scale N,N,.. [--dup RATE] [--seed S] [--peer-limit SECONDS])");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bench datapipe: " + a + " " + v + " is not a number");
      }
    }
    if (sizes == null || sizes.isEmpty()) throw new IllegalArgumentException("bench datapipe: --scale needs sizes, e.g. --scale 1000,10000,100000");
    return new Args(sizes, dup, seed, limit);
  }

  /** One cascade run. */
  record CascadeRun(int n, long bytes, double seconds, JsonNode stats) {}

  static String run(List<String> argv, PrintStream out) throws Exception {
    Args a = parse(argv);
    ScaleCorpus.Config cc = ScaleCorpus.Config.defaults(a.seed());
    cc = new ScaleCorpus.Config(a.duplicateRate(), cc.minUnits(), cc.maxUnits(), a.seed());
    int cores = Runtime.getRuntime().availableProcessors();
    String master = "local[" + cores + "]";
    Path work = Path.of(System.getenv().getOrDefault("PAPERS4J_HOME", System.getProperty("user.home") + "/.cache/papers4j")).resolve("datapipe");
    Map<Integer, Path> files = ScaleCorpus.ensure(work.resolve("scale"), a.sizes(), cc, out);
    String loadBefore = DatapipeBenchmark.loadAverage();
    long tStart = System.nanoTime();
    PipelineConfig config = PipelineConfig.defaults();
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    ObjectMapper json = new ObjectMapper();
    List<CascadeRun> cascades = new ArrayList<>();
    List<List<DedupRun>> dedups = new ArrayList<>();
    List<Set<Integer>> truths = new ArrayList<>();
    double warmSecs;
    boolean peerAlive = true;
    try (SparkSession spark = SparkSessions.open(master, config.partitions())) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      // Warm-up (JIT, Spark's first jobs, the language model's load) on the smallest corpus.
      Path smallest = files.get(a.sizes().get(0));
      long t0 = System.nanoTime();
      new Pipeline(spark, config, quiet).run(smallest.toString(), work.resolve("scale-out").toString(), "jsonl", true);
      warmSecs = (System.nanoTime() - t0) / 1e9;
      for (int n : a.sizes()) {
        Path f = files.get(n);
        t0 = System.nanoTime();
        new Pipeline(spark, config, quiet).run(f.toString(), work.resolve("scale-out").toString(), "jsonl", true);
        double secs = (System.nanoTime() - t0) / 1e9;
        JsonNode stats = json.readTree(work.resolve("scale-out").resolve(Pipeline.STATS_FILE).toFile());
        cascades.add(new CascadeRun(n, Files.size(f), secs, stats));
        out.printf(Locale.ROOT, "cascade %,d documents: %.1f s = %.0f documents/s, %.2f MB/s per core%n", n, secs, n / secs, Files.size(f) / 1e6 / secs / cores);

        List<Doc> docs = readDocs(f, json);
        // Read through Spark as the cascade reads it (file splits): a parallelized list would put the
        // documents into every task of every job (48 MB per task at 100k documents).
        JavaRDD<Doc> rdd = Ingest.number(Ingest.read(spark, f.toString(), config.input()));
        List<DedupRun> runs = new ArrayList<>();
        var mh = config.minhash();
        runs.add(DatapipeBenchmark.minhashOnly(spark, rdd, n, "own", "papers4j MinHashStage (own LSH)",
            String.format(Locale.ROOT, "%d-word shingles, %d × %d, exact J ≥ %.1f", mh.shingleSize(), mh.bands(), mh.rows(), mh.threshold()), quiet));
        String peerParams = String.format(Locale.ROOT, "%d hash tables, approxSimilarityJoin at distance < %.1f", mh.bands(), 1 - mh.threshold());
        if (peerAlive) {
          DedupRun peer = DatapipeBenchmark.withLimit(jsc, a.peerLimitS(), "Spark MLlib MinHashLSH (peer)", peerParams,
              () -> DatapipeBenchmark.minhashOnly(spark, rdd, n, "mllib", "Spark MLlib MinHashLSH (peer)", peerParams, quiet));
          runs.add(peer);
          peerAlive = peer.finished();
        } else {
          runs.add(new DedupRun("Spark MLlib MinHashLSH (peer)", peerParams, Double.NaN, null, "not run"));
        }
        rdd.unpersist(false);
        Set<Integer> truth = null;
        if (n <= EXACT_MAX) {
          List<String> texts = docs.stream().map(Doc::text).toList();
          ForkJoinPool pool = new ForkJoinPool(cores);
          t0 = System.nanoTime();
          truth = pool.submit(() -> DedupQuality.truth(texts, mh.shingleSize(), mh.threshold())).get();
          runs.add(new DedupRun("exact all-pairs Jaccard (baseline)", "same shingles, pairs pruned by size ratio, " + cores + " threads",
              (System.nanoTime() - t0) / 1e9, truth, "all pairs"));
          pool.shutdown();
        }
        dedups.add(runs);
        truths.add(truth);
      }
    }
    double totalSecs = (System.nanoTime() - tStart) / 1e9;
    String md = render(a, cc, cores, master, config, warmSecs, cascades, dedups, truths, loadBefore, DatapipeBenchmark.loadAverage(), totalSecs);
    out.print(md);
    return md;
  }

  private static List<Doc> readDocs(Path f, ObjectMapper json) throws Exception {
    List<Doc> docs = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode o = json.readTree(line);
        docs.add(new Doc(docs.size(), o.get("id").asText(), o.get("text").asText(), "{}"));
      }
    }
    return docs;
  }

  static String render(Args a, ScaleCorpus.Config cc, int cores, String master, PipelineConfig config, double warmSecs, List<CascadeRun> cascades,
      List<List<DedupRun>> dedups, List<Set<Integer>> truths, String loadBefore, String loadAfter, double totalSecs) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "Scale mode. Spark 4.2.0 embedded, `%s` (%d cores read at run time), %d shuffle partitions, default pipeline configuration "
            + "(langid → heuristics → exact dedup → MinHash-LSH → sub-document dedup). Corpora: `ScaleCorpus`, seed %d — real Debian text "
            + "cut into units of ≤ %d tokens (KJV verses; English and translated man pages, common licences and copyright files in "
            + "paragraph pieces; dpkg file lists), each unit once in the pool, a document = %d–%d units of one kind; %.0f%% of the "
            + "documents are planted copies of an earlier one (half exact, half 1/2/5%% token edits). A corpus of n documents is the first n "
            + "of a larger one. MB = 10^6 bytes of JSON-lines input for the cascade, 10^6 characters of text for a stage; per core = "
            + "divided by %d. Warm-up: one cascade over the smallest corpus first (%.1f s).%n%n",
        master, cores, config.partitions(), cc.seed(), ScaleCorpus.MAX_UNIT_TOKENS, cc.minUnits(), cc.maxUnits(), 100 * cc.duplicateRate(), cores,
        warmSecs));
    sb.append("**(a) Whole cascade** (read JSON-lines → stages → write JSON-lines + `_stats.json`):\n\n");
    sb.append("| documents | MB in | documents out | wall (s) | documents/s | MB/s | **MB/s per core** |\n|---:|---:|---:|---:|---:|---:|---:|\n");
    for (CascadeRun c : cascades) {
      sb.append(String.format(Locale.ROOT, "| %,d | %.1f | %,d | %.1f | %,.0f | %.2f | **%.2f** |%n", c.n(), c.bytes() / 1e6,
          c.stats().get("output_documents").asLong(), c.seconds(), c.n() / c.seconds(), c.bytes() / 1e6 / c.seconds(), c.bytes() / 1e6 / c.seconds() / cores));
    }
    sb.append("\nPer stage (its input; seconds include the stage's counting and sampling of removed examples):\n\n");
    sb.append("| documents | stage | in | kept | seconds | documents/s | MB/s per core |\n|---:|---|---:|---:|---:|---:|---:|\n");
    for (CascadeRun c : cascades) {
      double stageSum = 0;
      for (JsonNode s : c.stats().get("stages")) {
        double secs = s.get("seconds").asDouble();
        stageSum += secs;
        sb.append(String.format(Locale.ROOT, "| %,d | %s | %,d | %,d | %.2f | %,.0f | %.2f |%n", c.n(), s.get("name").asText(), s.get("input").asLong(),
            s.get("kept").asLong(), secs, s.get("input").asLong() / secs, s.get("charsIn").asLong() / 1e6 / secs / cores));
      }
      sb.append(String.format(Locale.ROOT, "| %,d | *read, number, write* | | | %.2f | | |%n", c.n(), c.seconds() - stageSum));
    }
    sb.append(String.format(Locale.ROOT,
        "%n**(b) Near-duplicate detection alone** on every document of each corpus (read from the JSON-lines file and cached in Spark before the clock starts; a document goes "
            + "when an earlier one has Jaccard ≥ %.1f over word %d-gram shingles). The peer is cancelled after %d s and then not run on larger corpora; "
            + "exact all-pairs Jaccard (the truth for precision/recall) runs up to %,d documents.%n%n",
        config.minhash().threshold(), config.minhash().shingleSize(), a.peerLimitS(), EXACT_MAX));
    sb.append("| documents | detector | parameters | wall (s) | documents/s | removed | precision | recall |\n|---:|---|---|---:|---:|---:|---:|---:|\n");
    StringBuilder agree = new StringBuilder();
    for (int i = 0; i < cascades.size(); i++) {
      int n = cascades.get(i).n();
      Set<Integer> truth = truths.get(i);
      for (DedupRun r : dedups.get(i)) {
        if (Double.isNaN(r.seconds())) {
          sb.append(String.format(Locale.ROOT, "| %,d | %s | %s | not run (cancelled on a smaller corpus) | | | | |%n", n, r.name(), r.parameters()));
        } else if (!r.finished()) {
          sb.append(String.format(Locale.ROOT, "| %,d | %s | %s | > %.0f (cancelled) | < %,.0f | | | |%n", n, r.name(), r.parameters(), r.seconds(), n / r.seconds()));
        } else {
          String pr = "n/a", rc = "n/a";
          if (truth != null) {
            DedupQuality.Score sc = DedupQuality.score(r.removed(), truth);
            pr = String.format(Locale.ROOT, "%.3f", sc.precision());
            rc = String.format(Locale.ROOT, "%.3f", sc.recall());
          }
          sb.append(String.format(Locale.ROOT, "| %,d | %s | %s | %.1f | %,.0f | %,d | %s | %s |%n", n, r.name(), r.parameters(), r.seconds(), n / r.seconds(),
              r.removed().size(), pr, rc));
        }
      }
      DedupRun own = dedups.get(i).get(0), peer = dedups.get(i).get(1);
      if (own.finished() && peer.finished()) {
        Set<Integer> both = new HashSet<>(own.removed());
        both.retainAll(peer.removed());
        Set<Integer> either = new HashSet<>(own.removed());
        either.addAll(peer.removed());
        agree.append(String.format(Locale.ROOT,
            "- %,d documents: removed by both %,d, only by ours %,d, only by MLlib %,d (removal-set Jaccard %.3f); ours takes **%.2f×** MLlib's time.%n", n,
            both.size(), own.removed().size() - both.size(), peer.removed().size() - both.size(),
            either.isEmpty() ? 1.0 : both.size() / (double) either.size(), own.seconds() / peer.seconds()));
      }
    }
    if (agree.length() > 0) sb.append("\nAgreement ours vs MLlib, same input:\n\n").append(agree);
    sb.append(String.format(Locale.ROOT,
        "%nLoad average (1, 5, 15 min) at the start: %s; at the end: %s, on %d cores (above the core count: other work competed). "
            + "Whole run %.0f s after the corpora were ready.%n", loadBefore, loadAfter, cores, totalSecs));
    return sb.toString();
  }
}
