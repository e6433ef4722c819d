package io.papers4j.core.nn.pos;

/**
 * The feature gap of Resonance RoPE (paper Eq. 8), per rotary pair:
 *
 * <pre>h_j = max over n ∈ [L, L′) of min over m ∈ [0, L) of dist(f(m)_j, f(n)_j)</pre>
 *
 * measured two ways: as the circular distance between rotation angles (the spec's numbers), and
 * as the largest |Δcos|, |Δsin| between the encoding's actual float32 tables, which bounds the
 * change of the rotated feature for any unit input x. Theorem 1: with integer wavelengths λ̃_j ≤ L
 * every OOD position n has a training position m = n mod λ̃_j with identical features, so both
 * gaps are exactly 0 on pre-critical pairs.
 */
public final class FeatureGap {
  private FeatureGap() {}

  /** Per-pair angular gap in radians, using the schedule's own float32 angles. */
  public static double[] angular(RopeSchedule s, int trainLength, int testLength) {
    double[] gap = new double[s.pairs()];
    for (int j = 0; j < gap.length; j++) {
      double worst = 0;
      for (int n = trainLength; n < testLength; n++) {
        double an = s.angle(n, j);
        double best = Double.POSITIVE_INFINITY;
        for (int m = 0; m < trainLength && best > 0; m++) best = Math.min(best, circular(an, s.angle(m, j)));
        worst = Math.max(worst, best);
      }
      gap[j] = worst;
    }
    return gap;
  }

  /** Per-pair gap between the cos/sin tables the encoding feeds to attention. */
  public static double[] tables(RopeSchedule s, int trainLength, int testLength) {
    float[][] cs = s.cosSin(testLength);
    int p = s.pairs();
    double[] gap = new double[p];
    for (int j = 0; j < p; j++) {
      double worst = 0;
      for (int n = trainLength; n < testLength; n++) {
        double best = Double.POSITIVE_INFINITY;
        for (int m = 0; m < trainLength && best > 0; m++) {
          double d = Math.max(Math.abs(cs[0][n * p + j] - cs[0][m * p + j]),
              Math.abs(cs[1][n * p + j] - cs[1][m * p + j]));
          best = Math.min(best, d);
        }
        worst = Math.max(worst, best);
      }
      gap[j] = worst;
    }
    return gap;
  }

  /** Distance between two angles on the circle, in [0, π]. */
  static double circular(double a, double b) {
    double d = Math.abs(a - b) % (2 * Math.PI);
    return Math.min(d, 2 * Math.PI - d);
  }
}
