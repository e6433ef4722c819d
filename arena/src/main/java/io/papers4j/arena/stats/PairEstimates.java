package io.papers4j.arena.stats;

/**
 * What the eq.-9 sampler and the width curves read from a win-matrix estimator: per pair, the votes
 * so far, the variance Σ̂_aa that eq. 9 divides by n_a, and the interval half-width.
 */
public interface PairEstimates {
  /** Number of pairs. */
  int pairCount();

  /** n_a, the votes on pair a so far. */
  long votes(int pair);

  /** Σ̂_aa as the estimator defines it. */
  double variance(int pair);

  /** Half-width of pair a's interval at normal quantile z. */
  double halfWidth(int pair, double z);
}
