package io.papers4j.datapipe.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.datapipe.Pipeline;
import io.papers4j.datapipe.PipelineConfig;
import io.papers4j.datapipe.TestSpark;
import io.papers4j.datapipe.eval.RealCorpus;
import io.papers4j.datapipe.stage.Doc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The optional topic stage on real text from three clearly different sources — KJV chapters,
 * paragraphs of the common licences, dpkg's lists of installed files — 15 documents each, shuffled
 * together. (English man pages were tried as a third source and share too much vocabulary with the
 * licences — file, version, section, licence: one cluster held 12 man pages and 8 licence paragraphs.)
 * k = 6 (more clusters than sources, as topic clustering is used: sources have sub-topics, e.g.
 * Noah's flood among the Genesis chapters); "cluster apart" = clusters do not mix sources (purity).
 */
class TopicStageTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int PER_SOURCE = 15;
  static final List<String> SOURCES = List.of("kjv", "licence", "filelist");
  static List<Doc> docs;
  /** Source of each document, by seq. */
  static List<String> sourceOf;
  /** The stage's outcome with seed 7 and nothing dropped (computed once: each run fits 3 k-means). */
  static Pipeline.Outcome baseline;

  @BeforeAll
  static void corpus() throws Exception {
    List<String> kjv = RealCorpus.kjvChapters(PER_SOURCE).stream().map(RealCorpus.Text::text).toList();
    List<String> licence = new ArrayList<>();
    for (RealCorpus.Text t : RealCorpus.commonLicenses()) {
      for (String p : t.text().split("\n\\s*\n")) if (p.strip().length() > 500) licence.add(p.strip());
    }
    Collections.shuffle(licence, new Random(3));
    List<String> lists = new ArrayList<>();
    Path info = Path.of("/var/lib/dpkg/info");
    if (Files.isDirectory(info)) {
      try (Stream<Path> s = Files.list(info)) {
        for (Path p : s.filter(f -> f.toString().endsWith(".list")).sorted().toList()) {
          String t = Files.readString(p);
          if (t.length() > 1500 && t.length() < 20_000 && lists.size() < PER_SOURCE) lists.add(t);
        }
      }
    }
    Assumptions.assumeTrue(kjv.size() == PER_SOURCE && licence.size() >= PER_SOURCE && lists.size() == PER_SOURCE,
        "needs bible-kjv, /usr/share/common-licenses and dpkg file lists");
    List<String[]> all = new ArrayList<>();
    for (int i = 0; i < PER_SOURCE; i++) {
      all.add(new String[] {"kjv", kjv.get(i)});
      all.add(new String[] {"licence", licence.get(i)});
      all.add(new String[] {"filelist", lists.get(i)});
    }
    Collections.shuffle(all, new Random(11));
    docs = new ArrayList<>();
    sourceOf = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      docs.add(new Doc(i, "d" + i, all.get(i)[1], JSON.createObjectNode().put("id", "d" + i).put("source", all.get(i)[0]).toString()));
      sourceOf.add(all.get(i)[0]);
    }
    baseline = topics(7, "[]");
  }

  static final int K = 6;

  /** Runs only the topic stage with k = K and the given seed; returns the outcome. */
  static Pipeline.Outcome topics(long seed, String dropTopics) throws Exception {
    PipelineConfig c = PipelineConfig.override(PipelineConfig.defaults(), JSON.readTree(
        "{\"partitions\":4,\"langid\":{\"enabled\":false},\"heuristics\":{\"enabled\":false},\"exactDedup\":{\"enabled\":false},"
            + "\"minhash\":{\"enabled\":false},\"subdoc\":{\"enabled\":false},"
            + "\"topics\":{\"enabled\":true,\"k\":" + K + ",\"seed\":" + seed + ",\"restarts\":3,\"dropTopics\":" + dropTopics + "}}"), "test");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    return new Pipeline(TestSpark.session(), c, new PrintStream(new ByteArrayOutputStream())).runStages(jsc.parallelize(docs, 3));
  }

  /** seq → topic, read from the {@code topic} field the stage adds to each document's JSON. */
  static Map<Integer, Integer> topicBySeq(Pipeline.Outcome o) throws Exception {
    Map<Integer, Integer> m = new TreeMap<>();
    for (Doc d : o.docs().collect()) {
      JsonNode j = JSON.readTree(d.json());
      assertThat(j.get("source").asText()).isEqualTo(sourceOf.get((int) d.seq())); // other fields carried through
      m.put((int) d.seq(), j.get("topic").asInt());
    }
    return m;
  }

  @Test
  void documents_of_distinct_sources_cluster_apart_and_the_same_seed_gives_the_same_clusters() throws Exception {
    Pipeline.Outcome o = baseline;
    Map<Integer, Integer> topic = topicBySeq(o);
    assertThat(topic).hasSize(docs.size());
    // Per source: how its documents spread over the clusters.
    Map<String, Map<Integer, Integer>> spread = new TreeMap<>();
    topic.forEach((seq, t) -> spread.computeIfAbsent(sourceOf.get(seq), k -> new TreeMap<>()).merge(t, 1, Integer::sum));
    System.out.println("topics: cluster counts per source " + spread + "; clusters " + o.stages().get(0).details().get("clusters"));
    // Purity: each cluster counts its most frequent source; at least 90% of the documents are those.
    Map<Integer, Map<String, Integer>> byCluster = new TreeMap<>();
    topic.forEach((seq, t) -> byCluster.computeIfAbsent(t, k -> new TreeMap<>()).merge(sourceOf.get(seq), 1, Integer::sum));
    int pure = byCluster.values().stream().mapToInt(c -> Collections.max(c.values())).sum();
    System.out.printf("topics: purity %d/%d%n", pure, docs.size());
    assertThat(pure).as("documents in a cluster of their own source's majority").isGreaterThanOrEqualTo((int) Math.ceil(0.9 * docs.size()));
    // No source is swallowed by another: each is the majority of some cluster.
    Set<String> majorities = new HashSet<>();
    for (Map<String, Integer> c : byCluster.values()) {
      majorities.add(c.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey());
    }
    assertThat(majorities).containsExactlyInAnyOrderElementsOf(SOURCES);

    // The report lists every cluster with its size and top terms.
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> clusters = (List<Map<String, Object>>) o.stages().get(0).details().get("clusters");
    assertThat(clusters).hasSize(K);
    assertThat(clusters.stream().mapToLong(c -> ((Number) c.get("documents")).longValue()).sum()).isEqualTo(docs.size());
    assertThat(clusters).allSatisfy(c -> assertThat((List<?>) c.get("top_terms")).hasSize(8));

    // Deterministic: the same seed on the same documents gives the same cluster for every document.
    assertThat(topicBySeq(topics(7, "[]"))).isEqualTo(topic);
  }

  @Test
  void drop_topics_removes_exactly_the_named_cluster() throws Exception {
    Map<Integer, Integer> topic = topicBySeq(baseline);
    int kjvCluster = topic.get(sourceOf.indexOf("kjv"));
    Pipeline.Outcome o = topics(7, "[" + kjvCluster + "]");
    Map<Integer, Integer> kept = topicBySeq(o);
    Map<Integer, Integer> expected = new HashMap<>(topic);
    expected.values().removeIf(t -> t == kjvCluster);
    assertThat(kept).isEqualTo(expected);
    assertThat(o.stages().get(0).removed()).isEqualTo(docs.size() - expected.size());
    assertThat(o.stages().get(0).removedByReason()).containsOnlyKeys("topics:dropped-topic");
  }
}
