package io.papers4j.datapipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.papers4j.datapipe.dedup.MinHashStage;
import io.papers4j.datapipe.dedup.SubdocDedupStage;
import io.papers4j.datapipe.eval.DedupQuality;
import io.papers4j.datapipe.eval.Planter;
import io.papers4j.datapipe.eval.RealCorpus;
import io.papers4j.datapipe.stage.Doc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline on an embedded Spark (the module's one test session, small real data). */
class SparkPipelineTest {
  static SparkSession spark;
  static final ObjectMapper JSON = new ObjectMapper();
  static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
  }

  /** Defaults with only the named stages enabled. */
  static PipelineConfig only(String... stages) {
    ObjectNode user = JSON.createObjectNode();
    Set<String> on = Set.of(stages);
    for (String s : List.of("langid", "heuristics", "perplexity", "quality", "exactDedup", "minhash", "subdoc", "topics")) {
      user.putObject(s).put("enabled", on.contains(s));
    }
    user.put("partitions", 4);
    return PipelineConfig.override(PipelineConfig.defaults(), user, "test");
  }

  static List<Doc> docs(List<String> texts) {
    List<Doc> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) out.add(new Doc(i, "d" + i, texts.get(i), "{\"id\":\"d" + i + "\"}"));
    return out;
  }

  static Set<Integer> removedSeqs(Pipeline.Outcome o, int n) {
    Set<Integer> kept = new HashSet<>();
    o.docs().map(Doc::seq).collect().forEach(s -> kept.add(s.intValue()));
    Set<Integer> removed = new HashSet<>();
    for (int i = 0; i < n; i++) if (!kept.contains(i)) removed.add(i);
    return removed;
  }

  @Test
  void bad_input_is_counted_and_skipped_and_good_records_come_out_with_their_fields(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("in.jsonl");
    String good = "A line of real text that is long enough to be a document for this little test.";
    try (var os = Files.newOutputStream(in)) {
      os.write(("{\"id\":1,\"text\":\"" + good + "\",\"source\":\"kept\"}\n").getBytes(StandardCharsets.UTF_8));
      os.write("{\"id\":2,\"text\":\"unterminated\n".getBytes(StandardCharsets.UTF_8));
      os.write("[1,2]\n{\"id\":3}\n{\"id\":4,\"text\":\"  \"}\n\n".getBytes(StandardCharsets.UTF_8));
      os.write(new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}', '\n'});
      os.write(("{\"id\":5,\"text\":\"" + "x".repeat(200) + "\"}\n").getBytes(StandardCharsets.UTF_8));
      os.write(("{\"text\":\"" + good + " Second.\"}\n").getBytes(StandardCharsets.UTF_8));
    }
    PipelineConfig c = only("exactDedup");
    c = PipelineConfig.override(c, JSON.readTree("{\"input\":{\"maxDocChars\":100}}"), "test");
    Path out = dir.resolve("out");
    Map<String, Object> stats = new Pipeline(spark, c, QUIET).run(in.toString(), out.toString(), "jsonl", false);

    JsonNode s = JSON.readTree(Files.readString(out.resolve(Pipeline.STATS_FILE)));
    JsonNode skipped = s.get("ingest").get("skipped");
    assertThat(skipped.get("malformed-json").asInt()).isEqualTo(1);
    assertThat(skipped.get("not-an-object").asInt()).isEqualTo(1);
    assertThat(skipped.get("missing-text").asInt()).isEqualTo(1);
    assertThat(skipped.get("empty").asInt()).isEqualTo(1);
    assertThat(skipped.get("invalid-utf8").asInt()).isEqualTo(1);
    assertThat(skipped.get("huge").asInt()).isEqualTo(1);
    assertThat(skipped.get("blank-line").asInt()).isEqualTo(1);
    assertThat(s.get("ingest").get("documents").asInt()).isEqualTo(2);
    assertThat(stats.get("output_documents")).isEqualTo(2L);

    List<String> lines = new ArrayList<>();
    try (Stream<Path> parts = Files.list(out)) {
      for (Path p : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
        lines.addAll(Files.readAllLines(p).stream().filter(l -> !l.isBlank()).toList());
      }
    }
    assertThat(lines).hasSize(2);
    assertThat(JSON.readTree(lines.get(0)).get("source").asText()).isEqualTo("kept");
    assertThat(JSON.readTree(lines.get(0)).get("id").asInt()).isEqualTo(1);

    // The same output again is refused, and Parquet output reads back as input.
    PipelineConfig cc = c;
    assertThatThrownBy(() -> new Pipeline(spark, cc, QUIET).run(in.toString(), out.toString(), "jsonl", false))
        .hasMessageContaining("already exists");
    Path pq = dir.resolve("pq");
    new Pipeline(spark, c, QUIET).run(out.toString(), pq.toString(), "parquet", false);
    Map<String, Object> again = new Pipeline(spark, c, QUIET).run(pq.toString(), dir.resolve("back").toString(), "jsonl", false);
    assertThat(again.get("output_documents")).isEqualTo(2L);
  }

  @Test
  void minhash_lsh_finds_what_exact_all_pairs_jaccard_finds_with_precision_and_recall_of_095() throws Exception {
    // Truth here is exact Jaccard >= 0.8 on the same shingles: this checks the LSH's candidate recall
    // and the verifiers, not which edit rates count as duplicates (the yi-data reproduction scores that
    // against the planting record, see PlantedTruth).
    // Copyright files under 20,000 characters keep the all-pairs truth and the Spark job small.
    List<RealCorpus.Text> real =
        new ArrayList<>(RealCorpus.copyrightFiles(400).stream().filter(t -> t.text().length() < 20_000).limit(120).toList());
    Assumptions.assumeTrue(real.size() >= 100, "needs Debian copyright files under /usr/share/doc");
    real.addAll(RealCorpus.commonLicenses());
    List<String> texts = new ArrayList<>(real.stream().map(RealCorpus.Text::text).toList());
    int base = texts.size();
    List<String> vocab = Planter.vocabulary(texts, 20_000);
    SplittableRandom rnd = new SplittableRandom(2024);
    for (int i = 0; i < 15; i++) texts.add(texts.get(rnd.nextInt(base))); // exact copies
    for (double rate : new double[] {0.01, 0.02, 0.05, 0.10}) {
      for (int i = 0; i < 12; i++) texts.add(Planter.edit(texts.get(rnd.nextInt(base)), rate, vocab, rnd));
    }
    MinHashStage.Config mh = MinHashStage.Config.defaults();
    Set<Integer> truth = DedupQuality.truth(texts, mh.shingleSize(), mh.threshold());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

    // MLlib's MinHashLSH is compared in the yi-data reproduction (it needs ~100 s here).
    for (String variant : List.of("own/exact", "own/signature")) {
      String[] v = variant.split("/");
      PipelineConfig c =
          PipelineConfig.override(only("minhash"), JSON.readTree("{\"minhash\":{\"backend\":\"" + v[0] + "\",\"verify\":\"" + v[1] + "\"}}"), "test");
      long t0 = System.nanoTime();
      Pipeline.Outcome o = new Pipeline(spark, c, QUIET).runStages(jsc.parallelize(docs(texts), 4));
      DedupQuality.Score sc = DedupQuality.score(removedSeqs(o, texts.size()), truth);
      System.out.printf("%-14s docs %d  should remove %d  removed %d  precision %.3f  recall %.3f  (%.1f s)%n",
          variant, texts.size(), sc.shouldRemove(), sc.removed(), sc.precision(), sc.recall(), (System.nanoTime() - t0) / 1e9);
      assertThat(sc.shouldRemove()).isGreaterThan(30);
      assertThat(sc.precision()).isGreaterThanOrEqualTo(0.95);
      assertThat(sc.recall()).isGreaterThanOrEqualTo(0.95);
    }
  }

  @Test
  void repeated_spans_and_paragraphs_are_cut_but_first_occurrences_stay() throws Exception {
    String shared = "This boilerplate paragraph is pasted into several documents of the corpus so that "
        + "sub-document deduplication has something to find, and it is well over fifty tokens long because "
        + "the span mode of the stage only looks at windows of fifty whitespace separated tokens which is "
        + "the setting RefinedWeb used for its exact substring deduplication of web documents.";
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      StringBuilder own = new StringBuilder("Document number " + i + " begins with its own words.");
      for (int k = 0; k < 30; k++) own.append(" unique").append(i).append('w').append(k);
      texts.add(Planter.withParagraph(own + "\n\nTail" + i + " words" + i + " end" + i + ".", shared));
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    for (String mode : List.of("span", "paragraph")) {
      PipelineConfig c = PipelineConfig.override(only("subdoc"), JSON.readTree("{\"subdoc\":{\"mode\":\"" + mode + "\"}}"), "test");
      Pipeline.Outcome o = new Pipeline(spark, c, QUIET).runStages(jsc.parallelize(docs(texts), 2));
      List<Doc> out = new ArrayList<>(o.docs().collect());
      out.sort(java.util.Comparator.comparingLong(Doc::seq));
      assertThat(out).hasSize(4);
      assertThat(out.get(0).text()).contains(shared);
      for (int i = 1; i < 4; i++) {
        assertThat(out.get(i).text()).doesNotContain("boilerplate paragraph").contains("unique" + i + "w29").contains("Tail" + i + " words" + i);
      }
      assertThat(o.stages().get(0).modified()).isEqualTo(3);
    }
  }

  @Test
  void quality_classifier_separates_prose_from_machine_text(@TempDir Path dir) throws Exception {
    // Real labelled text: paragraphs of the common licences (prose, 1) vs dpkg md5sums files (0).
    List<String> prose = new ArrayList<>();
    for (RealCorpus.Text t : RealCorpus.commonLicenses()) {
      for (String p : t.text().split("\n\\s*\n")) if (p.length() > 400) prose.add(p.strip());
    }
    List<String> machine = new ArrayList<>();
    Path info = Path.of("/var/lib/dpkg/info");
    Assumptions.assumeTrue(Files.isDirectory(info), "needs /var/lib/dpkg/info");
    try (Stream<Path> s = Files.list(info)) {
      for (Path f : s.filter(f -> f.toString().endsWith(".md5sums")).sorted().toList()) {
        String t = Files.readString(f);
        if (t.length() > 400) machine.add(t.length() > 3000 ? t.substring(0, 3000) : t);
      }
    }
    Assumptions.assumeTrue(prose.size() >= 80 && machine.size() >= 80, "needs licences and md5sums files");
    java.util.Collections.shuffle(prose, new java.util.Random(1));
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      labels.add(JSON.createObjectNode().put("text", prose.get(i)).put("label", 1).toString());
      labels.add(JSON.createObjectNode().put("text", machine.get(i)).put("label", 0).toString());
    }
    Path train = dir.resolve("labels.jsonl");
    Files.write(train, labels);
    List<String> texts = new ArrayList<>();
    int held = Math.min(20, Math.min(prose.size(), machine.size()) - 60);
    for (int i = 0; i < held; i++) texts.add(prose.get(60 + i));
    for (int i = 0; i < held; i++) texts.add(machine.get(60 + i));
    PipelineConfig c = PipelineConfig.override(only("quality"),
        JSON.readTree("{\"quality\":{\"trainPath\":" + JSON.writeValueAsString(train.toString()) + ",\"maxIter\":10,\"numFeatures\":4096}}"), "test");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Pipeline.Outcome o = new Pipeline(spark, c, QUIET).runStages(jsc.parallelize(docs(texts), 2));
    Set<Integer> removed = removedSeqs(o, texts.size());
    long proseKept = java.util.stream.IntStream.range(0, held).filter(i -> !removed.contains(i)).count();
    long machineRemoved = java.util.stream.IntStream.range(held, 2 * held).filter(removed::contains).count();
    System.out.printf("quality: held-out prose kept %d/%d, machine text removed %d/%d, details %s%n",
        proseKept, held, machineRemoved, held, o.stages().get(0).details());
    assertThat(proseKept).isGreaterThanOrEqualTo((long) Math.ceil(0.8 * held));
    assertThat(machineRemoved).isGreaterThanOrEqualTo((long) Math.ceil(0.8 * held));
  }

  @Test
  void unknown_config_keys_are_named() {
    assertThatThrownBy(() -> PipelineConfig.override(PipelineConfig.defaults(), JSON.readTree("{\"minhash\":{\"bandz\":3}}"), "x.yaml"))
        .hasMessageContaining("minhash.bandz");
    assertThatThrownBy(() -> new SubdocDedupStage(new SubdocDedupStage.Config(true, "sentence", 50, 40, 20)))
        .hasMessageContaining("subdoc.mode");
  }
}
