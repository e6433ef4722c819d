package io.papers4j.arena.stats;

/**
 * Rank by confidence interval (paper §5, FastChat {@code monitor.py}):
 * R_m = 1 + #{m′ : lower(m′) > upper(m)}. A model is pushed down only by models whose whole interval
 * lies above its own, so ties in rank are allowed; with simultaneous intervals at level 1−α,
 * P(∃m: R_m > true rank_m) ≤ α.
 */
public final class ApproximateRank {
  private ApproximateRank() {}

  public static int[] ranks(double[] lower, double[] upper) {
    if (lower.length != upper.length) {
      throw new IllegalArgumentException("lower and upper bounds differ in length");
    }
    int[] r = new int[lower.length];
    for (int m = 0; m < r.length; m++) {
      r[m] = 1;
      for (int o = 0; o < r.length; o++) if (o != m && lower[o] > upper[m]) r[m]++;
    }
    return r;
  }
}
