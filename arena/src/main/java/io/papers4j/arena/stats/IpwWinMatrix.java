package io.papers4j.arena.stats;

/**
 * The paper's inverse-propensity win-matrix estimator (§5), kept online.
 *
 * <pre>
 *   X_t(a) = H_t · 1{A_t = a} / P_t(a)          (one vector per vote, non-zero only at A_t)
 *   θ̂_T(a) = (1/T) Σ_t X_t(a)                   unbiased for θ*(a) = E[H | A = a] even when P_t adapts
 *   Σ̂_T    = (1/T) Σ_t (X_t − θ̂)(X_t − θ̂)ᵀ      so Σ̂_aa = (1/T) Σ_t X_t(a)² − θ̂(a)², Σ̂_ab = −θ̂(a)θ̂(b)
 *   CI(a)  = θ̂(a) ± z · √(Σ̂_aa / T)
 * </pre>
 *
 * Because X_t(a)·X_t(b) = 0 for a ≠ b, running sums of X and X² per pair are sufficient.
 */
public final class IpwWinMatrix implements PairEstimates {
  public final PairIndex pairs;
  private final double[] sumX;
  private final double[] sumX2;
  private final long[] n;
  private long t;

  public IpwWinMatrix(PairIndex pairs) {
    this.pairs = pairs;
    sumX = new double[pairs.size()];
    sumX2 = new double[pairs.size()];
    n = new long[pairs.size()];
  }

  /** Records one vote on {@code pair} with outcome h (1 = second model preferred, 0.5 tie). */
  public void add(int pair, double h, double propensity) {
    if (!(propensity > 0 && propensity <= 1)) {
      throw new IllegalArgumentException("propensity must be in (0, 1], got " + propensity);
    }
    double x = h / propensity;
    sumX[pair] += x;
    sumX2[pair] += x * x;
    n[pair]++;
    t++;
  }

  /** T, the number of votes so far. */
  public long votes() {
    return t;
  }

  @Override
  public int pairCount() {
    return pairs.size();
  }

  /** n_a, the votes on pair a so far. */
  @Override
  public long votes(int pair) {
    return n[pair];
  }

  public double theta(int pair) {
    return t == 0 ? Double.NaN : sumX[pair] / t;
  }

  /** Σ̂_aa. */
  @Override
  public double variance(int pair) {
    if (t == 0) return Double.NaN;
    double th = theta(pair);
    return Math.max(0, sumX2[pair] / t - th * th);
  }

  /** Half-width z·√(Σ̂_aa/T) of pair a's interval. */
  @Override
  public double halfWidth(int pair, double z) {
    return z * Math.sqrt(variance(pair) / t);
  }
}
