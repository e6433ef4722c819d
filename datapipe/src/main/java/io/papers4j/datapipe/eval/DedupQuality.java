package io.papers4j.datapipe.eval;

import io.papers4j.datapipe.dedup.Shingles;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Ground truth for near-duplicate removal from exact all-pairs Jaccard: document j (in seq order)
 * should be removed iff some earlier document i has J(i, j) ≥ threshold on the same shingles.
 * Precision and recall of a removal set are measured against that.
 */
public final class DedupQuality {
  private DedupQuality() {}

  /** Precision, recall and the counts behind them. */
  public record Score(double precision, double recall, int truePositives, int removed, int shouldRemove) {}

  /** Indices (into {@code texts}, i.e. seq order) of the documents the exact rule removes. */
  public static Set<Integer> truth(List<String> texts, int shingleSize, double threshold) {
    List<long[]> sh = new ArrayList<>(texts.size());
    for (String t : texts) sh.add(Shingles.of(t, shingleSize));
    Set<Integer> out = new HashSet<>();
    for (int j = 0; j < texts.size(); j++) {
      if (sh.get(j).length == 0) continue;
      for (int i = 0; i < j; i++) {
        long[] a = sh.get(i), b = sh.get(j);
        if (a.length == 0) continue;
        // |A∩B| ≤ min and |A∪B| ≥ max, so J ≤ min/max: skip pairs that cannot reach the threshold.
        if (Math.min(a.length, b.length) < threshold * Math.max(a.length, b.length)) continue;
        if (Shingles.jaccard(a, b) >= threshold) {
          out.add(j);
          break;
        }
      }
    }
    return out;
  }

  public static Score score(Set<Integer> removed, Set<Integer> truth) {
    int tp = 0;
    for (int r : removed) if (truth.contains(r)) tp++;
    double p = removed.isEmpty() ? 1.0 : tp / (double) removed.size();
    double r = truth.isEmpty() ? 1.0 : tp / (double) truth.size();
    return new Score(p, r, tp, removed.size(), truth.size());
  }
}
