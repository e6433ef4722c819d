package io.papers4j.arena.stats;

import java.util.Arrays;

/** Sample quantiles with linear interpolation (numpy's and pandas' default, as FastChat uses). */
public final class Quantiles {
  private Quantiles() {}

  /** The q-quantile of {@code values} (q in [0, 1]): position q·(n−1) in the sorted sample. */
  public static double of(double[] values, double q) {
    if (values.length == 0) throw new IllegalArgumentException("quantile of an empty sample");
    double[] s = values.clone();
    Arrays.sort(s);
    double pos = q * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }
}
