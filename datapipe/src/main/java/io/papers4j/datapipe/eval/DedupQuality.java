package io.papers4j.datapipe.eval;

import io.papers4j.datapipe.dedup.Shingles;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Ground truth for near-duplicate removal from exact all-pairs Jaccard: document j (in seq order)
 * should be removed iff some earlier document i has J(i, j) ≥ threshold on the same shingles.
 * Precision and recall of a removal set are measured against that.
 */
public final class DedupQuality {
  private DedupQuality() {}

  /** Precision, recall and the counts behind them. */
  public record Score(double precision, double recall, int truePositives, int removed, int shouldRemove) {}

  /**
   * Indices (into {@code texts}, i.e. seq order) of the documents the exact rule removes. Documents
   * are checked in parallel (common fork-join pool): each j is independent of the others.
   */
  public static Set<Integer> truth(List<String> texts, int shingleSize, double threshold) {
    List<long[]> sh = texts.parallelStream().map(t -> Shingles.of(t, shingleSize)).toList();
    return IntStream.range(0, sh.size()).parallel()
        .filter(j -> hasEarlierDuplicate(sh, j, threshold))
        .boxed()
        .collect(Collectors.toCollection(HashSet::new));
  }

  /** Whether some document i < j has exact Jaccard ≥ threshold with document j. */
  static boolean hasEarlierDuplicate(List<long[]> sh, int j, double threshold) {
    long[] b = sh.get(j);
    if (b.length == 0) return false;
    for (int i = 0; i < j; i++) {
      long[] a = sh.get(i);
      if (a.length == 0) continue;
      // |A∩B| ≤ min and |A∪B| ≥ max, so J ≤ min/max: skip pairs that cannot reach the threshold.
      if (Math.min(a.length, b.length) < threshold * Math.max(a.length, b.length)) continue;
      if (Shingles.jaccard(a, b) >= threshold) return true;
    }
    return false;
  }

  public static Score score(Set<Integer> removed, Set<Integer> truth) {
    int tp = 0;
    for (int r : removed) if (truth.contains(r)) tp++;
    double p = removed.isEmpty() ? 1.0 : tp / (double) removed.size();
    double r = truth.isEmpty() ? 1.0 : tp / (double) truth.size();
    return new Score(p, r, tp, removed.size(), truth.size());
  }
}
