package io.papers4j.arena.stats;

import java.util.SplittableRandom;

/**
 * The paper's active sampling rule (eq. 9) with an ε floor:
 *
 * <pre>
 *   q(a) ∝ √(Σ̂_aa / n_a) − √(Σ̂_aa / (n_a + 1))        expected shrinkage of pair a's half-width
 *   P(a) = ε + (1 − |A|ε) · q(a) / Σ q                  so P(a) ≥ ε, as the CLT of §5 requires
 * </pre>
 *
 * Pairs never sampled yet (n_a = 0) have unbounded q and share the non-floor mass equally.
 *
 * @param epsilon probability floor per pair; must satisfy |A|·ε ≤ 1
 */
public record ActiveSampler(double epsilon) {

  /** Eq.-9 probabilities from any win-matrix estimator's per-pair votes and variances. */
  public double[] probabilities(PairEstimates est) {
    int k = est.pairCount();
    if (epsilon < 0 || epsilon * k > 1) {
      throw new IllegalArgumentException("epsilon must be in [0, 1/" + k + "], got " + epsilon);
    }
    double[] q = new double[k];
    int unseen = 0;
    for (int a = 0; a < k; a++) if (est.votes(a) == 0) unseen++;
    double sum = 0;
    for (int a = 0; a < k; a++) {
      long n = est.votes(a);
      if (unseen > 0) q[a] = n == 0 ? 1 : 0;
      else {
        double s = est.variance(a);
        q[a] = Math.sqrt(s / n) - Math.sqrt(s / (n + 1));
      }
      sum += q[a];
    }
    double[] p = new double[k];
    for (int a = 0; a < k; a++) {
      double share = sum > 0 ? q[a] / sum : 1.0 / k;
      p[a] = epsilon + (1 - k * epsilon) * share;
    }
    return p;
  }

  /** Draws a pair index from {@code p}. */
  public static int sample(double[] p, SplittableRandom rng) {
    double u = rng.nextDouble();
    double c = 0;
    for (int a = 0; a < p.length; a++) {
      c += p[a];
      if (u < c) return a;
    }
    return p.length - 1;
  }
}
