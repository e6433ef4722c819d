package io.papers4j.datapipe.dedup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.papers4j.datapipe.TestSpark;
import io.papers4j.datapipe.eval.RealCorpus;
import io.papers4j.datapipe.stage.Doc;
import io.papers4j.datapipe.stage.SeqJoin;
import io.papers4j.datapipe.text.Hash64;
import io.papers4j.datapipe.text.Words;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/** The dedup stages' fast paths against their naive twins. */
class DedupFastPathTest {
  private static final List<String> EDGE =
      List.of("Grüße 😀 aus Köln,\t東京\u000Bist  weit;\r\n\uD800 allein \uDC00x İstanbul", "", " \n ", "a", "ÀÉÎ\u00A0 end \u2003 x");

  private static List<String> texts() throws Exception {
    List<String> t = new ArrayList<>(EDGE);
    for (RealCorpus.Text x : RealCorpus.commonLicenses()) t.add(x.text());
    for (RealCorpus.Text x : RealCorpus.foreignManPages(1)) t.add(x.text());
    return t;
  }

  @Test
  void hashes_without_copies_equal_the_string_hashes() throws Exception {
    for (String text : texts()) {
      int[] sp = Words.spans(text);
      for (int i = 0; i < sp.length; i += 2) assertEquals(Hash64.of(text.substring(sp[i], sp[i + 1])), Hash64.of(text, sp[i], sp[i + 1]));
      assertEquals(Hash64.of(text), Hash64.of(text, 0, text.length()));
      assertArrayEquals(Words.normalized(text).stream().mapToLong(Hash64::of).toArray(), Words.normalizedHashes(text));
    }
  }

  @Test
  void exact_key_normalisation_equals_the_regex() throws Exception {
    for (String text : texts()) assertEquals(text.toLowerCase(java.util.Locale.ROOT).replaceAll("\\s+", " ").strip(), ExactDedupStage.normalize(text));
  }

  @Test
  void packed_repeats_and_seq_join_equal_the_grouped_join() throws Exception {
    List<RealCorpus.Text> lic = RealCorpus.commonLicenses();
    Assumptions.assumeTrue(lic.size() >= 10, "needs /usr/share/common-licenses");
    List<Doc> docs = new ArrayList<>();
    for (RealCorpus.Text x : lic) docs.add(new Doc(docs.size(), x.id(), x.text(), "{}"));
    for (int i = 0; i < 6; i++) docs.add(new Doc(docs.size(), "copy" + i, lic.get(i).text() + "\n\n" + lic.get(i + 1).text(), "{}"));
    SubdocDedupStage.Config c = SubdocDedupStage.Config.defaults();
    // Naive: every unit occurrence, grouped by hash; all but the lowest code repeat.
    Map<Long, List<Long>> byHash = new HashMap<>();
    for (Doc d : docs) {
      SubdocDedupStage.Units u = SubdocDedupStage.units(d.text(), c);
      for (int i = 0; i < u.hashes().length; i++) byHash.computeIfAbsent(u.hashes()[i], k -> new ArrayList<>()).add((d.seq() << 24) | i);
    }
    Set<String> expected = new TreeSet<>();
    for (List<Long> codes : byHash.values()) {
      Collections.sort(codes);
      for (int i = 1; i < codes.size(); i++) expected.add((codes.get(i) >>> 24) + ":" + (codes.get(i) & ((1 << 24) - 1)));
    }
    assertTrue(expected.size() > 100, "the planted copies repeat spans");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    JavaRDD<Doc> rdd = jsc.parallelize(docs, 3);
    Set<String> got = new TreeSet<>();
    for (Tuple2<Long, Integer> t : SubdocDedupStage.repeats(rdd, c, 5).collect()) assertTrue(got.add(t._1() + ":" + t._2()));
    assertEquals(expected, got);

    // SeqJoin on range-partitioned documents (zip) and on shuffled ones (fallback join) gives the same pairs.
    JavaPairRDD<Long, String> small = jsc.parallelizePairs(List.of(new Tuple2<>(3L, "c"), new Tuple2<>(18L, "r"), new Tuple2<>(0L, "a")), 2);
    List<Doc> shuffled = new ArrayList<>(docs);
    Collections.shuffle(shuffled, new java.util.Random(1));
    for (JavaRDD<Doc> in : List.of(rdd, jsc.parallelize(shuffled, 3))) {
      Map<Long, String> m = new HashMap<>();
      for (Tuple2<Doc, String> t : SeqJoin.attach(in, small).collect()) assertEquals(null, m.put(t._1().seq(), String.valueOf(t._2())));
      assertEquals(docs.size(), m.size());
      assertEquals("a", m.get(0L));
      assertEquals("c", m.get(3L));
      assertEquals("r", m.get(18L));
      assertEquals("null", m.get(1L));
    }
    assertTrue(SeqJoin.inOrder(rdd));
    assertTrue(!SeqJoin.inOrder(jsc.parallelize(shuffled, 3)));
  }
}
