package io.papers4j.datapipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.core.cli.Benchmark;
import io.papers4j.datapipe.Pipeline;
import io.papers4j.datapipe.PipelineConfig;
import io.papers4j.datapipe.SparkSessions;
import io.papers4j.datapipe.dedup.MinHashStage;
import io.papers4j.datapipe.eval.DedupQuality;
import io.papers4j.datapipe.eval.RealCorpus.Text;
import io.papers4j.datapipe.repro.YiDataCorpus;
import io.papers4j.datapipe.stage.Doc;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code papers4j bench datapipe}: documents/s on an embedded Spark with 2 cores ({@code local[2]})
 * (a) through the whole default cascade, JSON-lines in to JSON-lines out, and (b) through the
 * MinHash-LSH stage alone — ours (20 bands × 6 rows, exact verification), the peer Spark MLlib
 * {@code MinHashLSH} ({@code approxSimilarityJoin}, same shingles and threshold), and exact all-pairs
 * Jaccard on 2 threads as the baseline that defines which documents should go. The removal sets are
 * compared with each other and with the exact one.
 *
 * <p>Corpus: the yi-data corpus builder (real Debian copyright files, licences, KJV chapters,
 * translated man pages, dpkg file lists, plus planted exact and near-duplicates); MinHash alone runs
 * on its English part. Arguments: {@code --quick} for the reproduction's small corpus, given after
 * {@code --} so that the CLI passes it on: {@code papers4j bench datapipe -- --quick}; {@code --scale
 * 1000,10000,100000} for the scale mode ({@link DatapipeScaleBench}).
 */
public final class DatapipeBenchmark implements Benchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SEED = 42;
  /** Spark's master: the 2 cores this benchmark is specified for. */
  private static final String MASTER = "local[2]";

  @Override
  public String name() {
    return "datapipe";
  }

  @Override
  public String description() {
    return "datapipe documents/s on local[2]: whole cascade, and MinHash-LSH alone vs Spark MLlib MinHashLSH and exact all-pairs Jaccard; -- --scale 1000,10000,100000: per size and stage, MB/s per core";
  }

  /** Corpus sizes: {@code --quick} is the yi-data quick corpus; the default is about 1.6x larger. */
  static YiDataCorpus.Sizes sizes(boolean quick) {
    return quick ? new YiDataCorpus.Sizes(220, 80, 6, 40, 20, 8, 20) : new YiDataCorpus.Sizes(400, 150, 8, 60, 30, 12, 30);
  }

  /** Seconds the peer may run before its Spark jobs are cancelled (MLlib's join grows with n²). */
  static final int PEER_LIMIT_S = 300;

  /**
   * Timing and outcome of one near-duplicate detector on the English documents; {@code removed} is
   * null when it was cancelled at {@code seconds}.
   */
  record DedupRun(String name, String parameters, double seconds, Set<Integer> removed, Object candidates) {
    boolean finished() {
      return removed != null;
    }
  }

  @Override
  public String run(List<String> args, PrintStream out) throws Exception {
    if (args.contains("--scale")) return DatapipeScaleBench.run(args, out);
    boolean quick = args.contains("--quick");
    for (String a : args) if (!a.equals("--quick")) throw new IllegalArgumentException("bench datapipe: unknown argument '" + a + "' (--quick, or --scale N,N,..; after --)");
    String loadBefore = loadAverage();
    Path work = Path.of(System.getenv().getOrDefault("PAPERS4J_HOME", System.getProperty("user.home") + "/.cache/papers4j"))
        .resolve("datapipe").resolve(quick ? "bench-quick" : "bench");
    Files.createDirectories(work);
    Path corpusFile = work.resolve("corpus.jsonl");
    List<Text> corpus = YiDataCorpus.build(sizes(quick), SEED, corpusFile);
    long corpusBytes = Files.size(corpusFile);
    out.printf(Locale.ROOT, "bench datapipe: corpus %,d documents, %.1f MB (%s)%n", corpus.size(), corpusBytes / 1e6, corpusFile);

    PipelineConfig config = PipelineConfig.defaults();
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    double warmSecs, wholeSecs;
    JsonNode stats;
    List<DedupRun> runs = new ArrayList<>();
    List<Text> eng = corpus.stream().filter(t -> !t.source().startsWith("man-") && !t.source().equals("dpkg-list")).toList();
    List<String> texts = eng.stream().map(Text::text).toList();
    try (SparkSession spark = SparkSessions.open(MASTER, config.partitions())) {
      // Warm-up (JIT, Spark's first jobs, the language model's load): the first 150 documents.
      Path warm = work.resolve("warmup.jsonl");
      Files.write(warm, Files.readAllLines(corpusFile).subList(0, Math.min(150, corpus.size())));
      long t0 = System.nanoTime();
      new Pipeline(spark, config, quiet).run(warm.toString(), work.resolve("warmup-out").toString(), "jsonl", true);
      warmSecs = (System.nanoTime() - t0) / 1e9;

      t0 = System.nanoTime();
      new Pipeline(spark, config, quiet).run(corpusFile.toString(), work.resolve("output").toString(), "jsonl", true);
      wholeSecs = (System.nanoTime() - t0) / 1e9;
      stats = JSON.readTree(work.resolve("output").resolve(Pipeline.STATS_FILE).toFile());
      out.printf(Locale.ROOT, "whole cascade: %,d documents in %.1f s = %.1f documents/s%n", corpus.size(), wholeSecs, corpus.size() / wholeSecs);

      List<Doc> docs = new ArrayList<>();
      for (int i = 0; i < eng.size(); i++) docs.add(new Doc(i, eng.get(i).id(), eng.get(i).text(), "{}"));
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      JavaRDD<Doc> rdd = jsc.parallelize(docs, config.partitions());
      MinHashStage.Config mh = config.minhash();
      runs.add(minhashOnly(spark, rdd, docs.size(), "own", "papers4j MinHashStage (own LSH)",
          String.format(Locale.ROOT, "%d-word shingles, %d bands × %d rows = %d hashes, exact Jaccard ≥ %.1f", mh.shingleSize(), mh.bands(), mh.rows(),
              mh.bands() * mh.rows(), mh.threshold()), quiet));
      String peerParams = String.format(Locale.ROOT, "same shingles, %d hash tables, approxSimilarityJoin at distance < %.1f (exact Jaccard)",
          mh.bands(), 1 - mh.threshold());
      runs.add(withLimit(jsc, PEER_LIMIT_S, "Spark MLlib MinHashLSH (peer)", peerParams,
          () -> minhashOnly(spark, rdd, docs.size(), "mllib", "Spark MLlib MinHashLSH (peer)", peerParams, quiet)));
      rdd.unpersist(false);
    }
    // Baseline: exact Jaccard of every pair (length-pruned), the definition of what should go.
    MinHashStage.Config mh = config.minhash();
    ForkJoinPool pool = new ForkJoinPool(2);
    long t0 = System.nanoTime();
    Set<Integer> truth = pool.submit(() -> DedupQuality.truth(texts, mh.shingleSize(), mh.threshold())).get();
    double exactSecs = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    runs.add(new DedupRun("exact all-pairs Jaccard (baseline)", "same shingles, every pair with min/max size ≥ 0.8, 2 threads", exactSecs, truth, "all pairs"));
    String loadAfter = loadAverage();

    String md = render(quick, corpus, corpusBytes, eng.size(), warmSecs, wholeSecs, stats, runs, truth, loadBefore, loadAfter);
    out.print(md);
    return md;
  }

  /** Runs {@code body} in its own Spark job group and cancels it after {@code limitS} seconds. */
  static DedupRun withLimit(JavaSparkContext jsc, int limitS, String name, String params, Callable<DedupRun> body) throws Exception {
    ExecutorService ex = Executors.newSingleThreadExecutor();
    String group = "bench-peer";
    Future<DedupRun> f = ex.submit(() -> {
      jsc.setJobGroup(group, name, true); // a thread-local property: set in the thread that submits the jobs
      try {
        return body.call();
      } finally {
        jsc.clearJobGroup();
      }
    });
    try {
      return f.get(limitS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      jsc.cancelJobGroup(group);
      f.cancel(true);
      System.out.printf(Locale.ROOT, "%s: cancelled after %d s%n", name, limitS);
      return new DedupRun(name, params, limitS, null, "—");
    } finally {
      ex.shutdownNow();
    }
  }

  /** MinHash-LSH alone over the cached documents with the given backend, timed from the cached RDD to the kept set. */
  static DedupRun minhashOnly(SparkSession spark, JavaRDD<Doc> rdd, int n, String backend, String name, String params, PrintStream quiet)
      throws Exception {
    PipelineConfig c = PipelineConfig.override(PipelineConfig.defaults(), JSON.readTree(
        "{\"langid\":{\"enabled\":false},\"heuristics\":{\"enabled\":false},\"exactDedup\":{\"enabled\":false},\"subdoc\":{\"enabled\":false},"
            + "\"minhash\":{\"backend\":\"" + backend + "\"}}"), "bench");
    // The documents are cached before the clock starts (the level Pipeline uses; it unpersists them after the stage).
    rdd.persist(StorageLevel.MEMORY_AND_DISK()).count();
    long t0 = System.nanoTime();
    Pipeline.Outcome o = new Pipeline(spark, c, quiet).runStages(rdd);
    Set<Integer> kept = new HashSet<>();
    o.docs().map(Doc::seq).collect().forEach(x -> kept.add(x.intValue()));
    double secs = (System.nanoTime() - t0) / 1e9;
    Set<Integer> removed = new HashSet<>();
    for (int i = 0; i < n; i++) if (!kept.contains(i)) removed.add(i);
    Map<String, Object> d = o.stages().get(0).details();
    System.out.printf(Locale.ROOT, "minhash %-6s %,d documents in %.1f s = %.1f documents/s, removed %d%n", backend, n, secs, n / secs, removed.size());
    return new DedupRun(name, params, secs, removed, d.getOrDefault("candidate_pairs", "n/a (inside approxSimilarityJoin)"));
  }

  static String render(boolean quick, List<Text> corpus, long bytes, int nEng, double warmSecs, double wholeSecs, JsonNode stats,
      List<DedupRun> runs, Set<Integer> truth, String loadBefore, String loadAfter) {
    StringBuilder sb = new StringBuilder();
    int nReal = (int) corpus.stream().filter(t -> !t.source().startsWith("planted")).count();
    sb.append(String.format(Locale.ROOT,
        "Spark 4.2.0 embedded, `%s` (2 cores), %d shuffle partitions, default pipeline configuration. Corpus%s: %,d documents, %.1f MB of "
            + "JSON-lines — %,d real Debian texts (copyright files, common licences, KJV chapters, translated man pages, dpkg file lists) "
            + "and %,d planted exact copies, near-duplicates (1–20%% token edits) and pasted-paragraph documents (the yi-data corpus builder, seed %d).%n%n",
        MASTER, PipelineConfig.defaults().partitions(), quick ? " (`--quick`)" : "", corpus.size(), bytes / 1e6, nReal, corpus.size() - nReal, SEED));
    sb.append(String.format(Locale.ROOT,
        "**(a) Whole cascade** (read JSON-lines → langid → heuristics → exact dedup → MinHash-LSH → sub-document dedup → write JSON-lines "
            + "+ `_stats.json`), after a %.1f s warm-up run on the first 150 documents in the same JVM:%n%n", warmSecs));
    sb.append("| documents in | documents out | wall (s) | **documents/s** | MB/s |\n|---:|---:|---:|---:|---:|\n");
    sb.append(String.format(Locale.ROOT, "| %,d | %,d | %.1f | **%.1f** | %.2f |%n%n", corpus.size(), stats.get("output_documents").asLong(), wholeSecs,
        corpus.size() / wholeSecs, bytes / 1e6 / wholeSecs));
    sb.append("| stage | in | kept | seconds |\n|---|---:|---:|---:|\n");
    for (JsonNode s : stats.get("stages")) {
      sb.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %.1f |%n", s.get("name").asText(), s.get("input").asLong(), s.get("kept").asLong(),
          s.get("seconds").asDouble()));
    }
    sb.append(String.format(Locale.ROOT,
        "%nThe rest of the wall time is reading/parsing, numbering and writing the output.%n%n"
            + "**(b) Near-duplicate detection alone** on the %,d English documents of the corpus (documents cached in Spark before the "
            + "clock starts; each detector removes a document when an earlier one is a near-duplicate, Jaccard ≥ 0.8 over word 5-gram "
            + "shingles; %,d should go by exact Jaccard):%n%n", nEng, truth.size()));
    sb.append("| detector | parameters | wall (s) | **documents/s** | candidate pairs | removed | precision | recall |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (DedupRun r : runs) {
      if (!r.finished()) {
        sb.append(String.format(Locale.ROOT, "| %s | %s | > %.0f (cancelled) | **< %.1f** | — | — | — | — |%n", r.name(), r.parameters(), r.seconds(),
            nEng / r.seconds()));
        continue;
      }
      DedupQuality.Score sc = DedupQuality.score(r.removed(), truth);
      sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f | **%.1f** | %s | %d | %.3f | %.3f |%n", r.name(), r.parameters(), r.seconds(),
          nEng / r.seconds(), r.candidates() instanceof Number ? String.format(Locale.ROOT, "%,d", ((Number) r.candidates()).longValue()) : r.candidates(),
          r.removed().size(), sc.precision(), sc.recall()));
    }
    if (!runs.get(1).finished()) {
      sb.append(String.format(Locale.ROOT, "%nMLlib did not finish within %d s, so there is no agreement figure; ours vs the exact baseline is in "
          + "the table.%n%n", PEER_LIMIT_S));
      appendLoad(sb, loadBefore, loadAfter);
      return sb.toString();
    }
    Set<Integer> own = runs.get(0).removed(), peer = runs.get(1).removed();
    Set<Integer> both = new HashSet<>(own);
    both.retainAll(peer);
    Set<Integer> either = new HashSet<>(own);
    either.addAll(peer);
    sb.append(String.format(Locale.ROOT,
        "%nAgreement ours vs MLlib: %d documents removed by both, %d only by ours, %d only by MLlib (Jaccard of the removal sets %.3f). "
            + "Ours / MLlib wall-time ratio: **%.2f×** (below 1 = ours faster).%n%n",
        both.size(), own.size() - both.size(), peer.size() - both.size(), either.isEmpty() ? 1.0 : both.size() / (double) either.size(),
        runs.get(0).seconds() / runs.get(1).seconds()));
    appendLoad(sb, loadBefore, loadAfter);
    return sb.toString();
  }

  private static void appendLoad(StringBuilder sb, String loadBefore, String loadAfter) {
    sb.append(String.format(Locale.ROOT,
        "Load average (1, 5, 15 min) at the start: %s; at the end: %s, on %d cores; a load above the core count means other "
            + "work competed with the run (measured under load).%n",
        loadBefore, loadAfter, Runtime.getRuntime().availableProcessors()));
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (Exception e) {
      return String.format(Locale.ROOT, "%.2f (1 min)", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }
}
