package io.papers4j.arena.stats;

/**
 * The per-pair win-matrix estimator: each pair's own mean of H over the votes it got, with the
 * binomial variance of one vote,
 *
 * <pre>
 *   θ̂(a)  = (Σ_{t: A_t = a} H_t) / n_a
 *   Σ̂_aa = θ̃(1 − θ̃),  θ̃ = (Σ H + 1/2) / (n_a + 1)     (never 0, so an all-win pair keeps a width)
 *   CI(a) = θ̂(a) ± z · √(Σ̂_aa / n_a)
 * </pre>
 *
 * Its variance per vote does not depend on how likely the pair was to be drawn, unlike the
 * inverse-propensity estimator ({@link IpwWinMatrix}); it is the reading of eq. 9's √(Σ̂_aa / n_a) as
 * the standard error of pair a's own mean. It is unbiased only when the draw of a pair does not
 * depend on that pair's past outcomes beyond their count, which eq. 9 violates mildly.
 */
public final class PerPairWinMatrix implements PairEstimates {
  public final PairIndex pairs;
  private final double[] sum;
  private final long[] n;

  public PerPairWinMatrix(PairIndex pairs) {
    this.pairs = pairs;
    sum = new double[pairs.size()];
    n = new long[pairs.size()];
  }

  /** Records one vote on {@code pair} with outcome h (1 = second model preferred, 0.5 tie). */
  public void add(int pair, double h) {
    if (!(h >= 0 && h <= 1)) throw new IllegalArgumentException("outcome must be in [0, 1], got " + h);
    sum[pair] += h;
    n[pair]++;
  }

  @Override
  public int pairCount() {
    return pairs.size();
  }

  @Override
  public long votes(int pair) {
    return n[pair];
  }

  public double theta(int pair) {
    return n[pair] == 0 ? Double.NaN : sum[pair] / n[pair];
  }

  @Override
  public double variance(int pair) {
    double smoothed = (sum[pair] + 0.5) / (n[pair] + 1);
    return smoothed * (1 - smoothed);
  }

  @Override
  public double halfWidth(int pair, double z) {
    return n[pair] == 0 ? Double.POSITIVE_INFINITY : z * Math.sqrt(variance(pair) / n[pair]);
  }
}
