package io.papers4j.multimodal.mlmfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolScorerTest {
  private static List<PoolScorer.Item> items(int n) {
    List<PoolScorer.Item> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(new PoolScorer.Item("id" + i, "caption " + i, () -> null));
    return out;
  }

  /** Output "i\n" for pair i, but garbage for every 7th pair; counts the pairs it was asked about. */
  private static PoolScorer.Generator fake(List<String> asked, int failAfterBatches) {
    AtomicInteger batches = new AtomicInteger();
    return (batch, metric) -> {
      if (batches.incrementAndGet() > failAfterBatches) throw new IllegalStateException("interrupted");
      List<String> out = new ArrayList<>();
      for (PoolScorer.Item it : batch) {
        asked.add(it.id());
        int i = Integer.parseInt(it.id().substring(2));
        out.add(i % 7 == 3 ? "n/a" : (i % 101) + "\nbecause");
      }
      return out;
    };
  }

  @Test
  void resumes_after_an_interruption_without_rescoring_done_pairs(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("scores.jsonl");
    List<String> asked = new ArrayList<>();
    assertThatThrownBy(() -> PoolScorer.score(items(50), Metric.ITM, 8, out, fake(asked, 3), null)).hasMessage("interrupted");
    assertThat(asked).hasSize(24);
    // a crash in the middle of a write leaves half a line: it is cut off and that pair is scored again
    Files.writeString(out, "{\"id\":\"id24\",\"metr", StandardOpenOption.APPEND);
    List<String> asked2 = new ArrayList<>();
    PoolScorer.Scores s = PoolScorer.score(items(50), Metric.ITM, 8, out, fake(asked2, 100), null);
    assertThat(asked2).hasSize(26).doesNotContainAnyElementsOf(asked);
    assertThat(s.resumed()).isEqualTo(24);
    assertThat(s.scoredNow()).isEqualTo(26);
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(50);
    // the same result as one uninterrupted run
    PoolScorer.Scores once = PoolScorer.score(items(50), Metric.ITM, 8, null, fake(new ArrayList<>(), 100), null);
    assertThat(s.byId()).isEqualTo(once.byId());
    assertThat(s.malformed()).isEqualTo(once.malformed()).isEqualTo(7); // ids 3, 10, 17, 24, 31, 38, 45
    // a third run has nothing left to do for this metric, but another metric starts afresh
    List<String> asked3 = new ArrayList<>();
    assertThat(PoolScorer.score(items(50), Metric.ITM, 8, out, fake(asked3, 100), null).scoredNow()).isZero();
    assertThat(PoolScorer.score(items(50), Metric.ODF, 8, out, fake(asked3, 100), null).scoredNow()).isEqualTo(50);
    Map<String, Double> itm = PoolScorer.read(out, "itm");
    assertThat(itm).hasSize(50);
    assertThat(itm.get("id5")).isEqualTo(5.0);
    assertThat(itm.get("id3")).isNaN();
    assertThatThrownBy(() -> PoolScorer.read(out, null)).hasMessageContaining("several metrics");
  }

  @Test
  void a_scores_file_that_is_not_one_says_so(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "hello\n");
    assertThatThrownBy(() -> PoolScorer.read(bad, null)).hasMessageContaining("line 1: not JSON");
    Files.writeString(bad, "{\"x\": 1}\n");
    assertThatThrownBy(() -> PoolScorer.read(bad, null)).hasMessageContaining("written by mlmfilter score");
    assertThatThrownBy(() -> PoolScorer.read(dir.resolve("none"), null)).hasMessageContaining("scores file not found");
  }
}
