package io.papers4j.datapipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.datapipe.dedup.Shingles;
import io.papers4j.datapipe.eval.ScaleCorpus.Kind;
import io.papers4j.datapipe.eval.ScaleCorpus.ScaleDoc;
import io.papers4j.datapipe.text.Words;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scale corpus on a small pool of real text (the common licences and KJV verses when installed). */
class ScaleCorpusTest {
  private static List<Kind> smallPool() throws Exception {
    List<String> legal = new ArrayList<>();
    for (RealCorpus.Text t : RealCorpus.commonLicenses()) for (String p : t.text().split("\n\\s*\n")) ScaleCorpus.addUnits(legal, p, false);
    Assumptions.assumeTrue(legal.size() >= 200, "needs /usr/share/common-licenses");
    List<String> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(legal));
    List<Kind> pool = new ArrayList<>(List.of(new Kind("legal", 0.5, "\n\n", distinct)));
    List<RealCorpus.Text> kjv = RealCorpus.kjvChapters(60);
    if (!kjv.isEmpty()) {
      List<String> verses = new ArrayList<>();
      for (RealCorpus.Text t : kjv) for (String v : t.text().split("\n")) ScaleCorpus.addUnits(verses, v, false);
      pool.add(new Kind("kjv", 0.5, "\n", new ArrayList<>(new java.util.LinkedHashSet<>(verses))));
    }
    return pool;
  }

  @Test
  void units_are_real_text_pieces_under_the_subdoc_window() throws Exception {
    for (Kind k : smallPool()) {
      for (String u : k.units()) {
        int n = Words.split(u).size();
        assertTrue(n >= ScaleCorpus.MIN_UNIT_TOKENS && n <= ScaleCorpus.MAX_UNIT_TOKENS, k.name() + ": unit of " + n + " tokens");
      }
    }
    List<String> out = new ArrayList<>();
    ScaleCorpus.addUnits(out, "a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p q r s t", false);
    assertEquals(List.of("a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n", "o p q r s t"), out);
  }

  @Test
  void planted_duplicates_at_the_stated_rate_deterministic_by_seed() throws Exception {
    List<Kind> pool = smallPool();
    ScaleCorpus.Config c = ScaleCorpus.Config.defaults(7);
    int n = 2000;
    List<ScaleDoc> docs = ScaleCorpus.generate(pool, n, c);
    assertEquals(n, docs.size());
    Map<String, ScaleDoc> byId = new HashMap<>();
    int exact = 0, near = 0;
    for (ScaleDoc d : docs) {
      if (d.planted() != null) {
        ScaleDoc src = byId.get(d.of());
        assertTrue(src != null && src.planted() == null, d.id() + ": source " + d.of() + " must be an earlier unplanted document");
        if (d.planted().equals("exact")) {
          assertEquals(src.text(), d.text());
          exact++;
        } else {
          assertTrue(d.planted().startsWith("near-"));
          double j = Shingles.jaccard(Shingles.of(src.text(), 5), Shingles.of(d.text(), 5));
          assertTrue(j > 0.3 && j < 1.0, d.id() + ": near-duplicate at 5-gram Jaccard " + j);
          near++;
        }
      }
      byId.put(d.id(), d);
    }
    // 10% of 1,999 documents: 200 expected, binomial sd 13.4; within 4 sd.
    int planted = exact + near;
    assertTrue(Math.abs(planted - 199.9) < 4 * 13.4, "planted " + planted);
    assertTrue(exact > 60 && near > 60, "exact " + exact + ", near " + near);
    // Unplanted documents are not near-duplicates of each other (the first 300, all pairs).
    List<long[]> sh = docs.subList(0, 300).stream().filter(d -> d.planted() == null).map(d -> Shingles.of(d.text(), 5)).toList();
    for (int i = 0; i < sh.size(); i++) for (int k = i + 1; k < sh.size(); k++) assertTrue(Shingles.jaccard(sh.get(i), sh.get(k)) < 0.2);

    assertEquals(docs, ScaleCorpus.generate(pool, n, c));
    assertEquals(docs.subList(0, 500), ScaleCorpus.generate(pool, 500, c));
    assertNotEquals(docs.subList(0, 50), ScaleCorpus.generate(pool, 50, ScaleCorpus.Config.defaults(8)));
  }

  @Test
  void files_are_cached_and_reused(@TempDir Path dir) throws Exception {
    List<Kind> pool = smallPool();
    AtomicInteger reads = new AtomicInteger();
    ScaleCorpus.PoolSource source = () -> {
      reads.incrementAndGet();
      return pool;
    };
    ScaleCorpus.Config c = ScaleCorpus.Config.defaults(3);
    var log = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
    Map<Integer, Path> files = ScaleCorpus.ensure(dir, List.of(30, 120), c, source, log);
    assertEquals(1, reads.get());
    List<String> small = Files.readAllLines(files.get(30)), big = Files.readAllLines(files.get(120));
    assertEquals(30, small.size());
    assertEquals(120, big.size());
    assertEquals(small, big.subList(0, 30));
    JsonNode first = new ObjectMapper().readTree(small.get(0));
    assertEquals("scale/0", first.get("id").asText());
    assertTrue(first.get("text").asText().length() > 50);
    long mtime = Files.getLastModifiedTime(files.get(120)).toMillis();
    ScaleCorpus.ensure(dir, List.of(30, 120), c, source, log);
    assertEquals(1, reads.get(), "a rerun must not rebuild cached corpora");
    assertEquals(mtime, Files.getLastModifiedTime(files.get(120)).toMillis());
    try (var s = Files.list(dir)) {
      assertEquals(2, s.count(), "no temporary files left behind");
    }
  }
}
