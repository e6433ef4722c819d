package io.papers4j.multimodal.mlmfilter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * Score-uniform re-balancing of the teacher's instructions (paper: 40k scored instructions → 4k
 * sampled uniformly over score values): items are grouped into {@code bins} equal score bins over
 * 0-100 and drawn round-robin over the bins, without replacement; a bin that runs out drops out, so
 * the result is as uniform as the data allow. Deterministic for a seed.
 */
public final class ScoreUniform {
  private ScoreUniform() {}

  /** The bin of a score 0-100 among {@code bins} equal bins. */
  public static int bin(int score, int bins) {
    return Math.min(bins - 1, Math.max(0, score) * bins / 101);
  }

  public static <T> List<T> sample(List<T> items, ToIntFunction<T> score, int n, int bins, long seed) {
    if (bins < 1) throw new IllegalArgumentException("bins must be >= 1");
    if (n < 0) throw new IllegalArgumentException("sample size must be >= 0");
    Random r = new Random(seed);
    List<List<T>> byBin = new ArrayList<>();
    for (int b = 0; b < bins; b++) byBin.add(new ArrayList<>());
    for (T t : items) byBin.get(bin(score.applyAsInt(t), bins)).add(t);
    for (List<T> b : byBin) Collections.shuffle(b, r);
    List<T> out = new ArrayList<>(Math.min(n, items.size()));
    int[] at = new int[bins];
    while (out.size() < n) {
      List<Integer> open = new ArrayList<>();
      for (int b = 0; b < bins; b++) if (at[b] < byBin.get(b).size()) open.add(b);
      if (open.isEmpty()) break;
      Collections.shuffle(open, r); // which bins give the last items of an incomplete round
      for (int b : open) {
        if (out.size() == n) break;
        out.add(byBin.get(b).get(at[b]++));
      }
    }
    return out;
  }

  /** The ablation: {@code n} items drawn uniformly at random (the teacher's natural score distribution). */
  public static <T> List<T> natural(List<T> items, int n, long seed) {
    List<T> copy = new ArrayList<>(items);
    Collections.shuffle(copy, new Random(seed));
    return copy.subList(0, Math.min(n, copy.size()));
  }
}
