package io.papers4j.arena.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

class MultinomialTest {

  /**
   * Pearson χ² goodness of fit of 500,000 draws against the exact pmf (commons-math), bins with
   * expected count ≥ 5 plus the two pooled tails; rejected at the 1e-4 level, so a correct sampler
   * fails one of these cases about once in 1,000 runs of the whole test; a hat constant α off by 8%
   * (2.6 instead of 2.83) gives χ² ≈ 300 over 115 bins at n = 1000, p = 0.3 (critical value ≈ 170).
   */
  @Test
  void binomial_draws_follow_the_exact_pmf_in_every_branch() {
    long[][] n = {{30}, {1000}, {20}, {1_000_000}, {500}, {200_000}, {7}};
    double[] p = {0.1, 0.3, 0.5, 0.00002, 0.93, 0.01, 0.6};
    for (int c = 0; c < p.length; c++) {
      int trials = (int) n[c][0];
      BinomialDistribution exact = new BinomialDistribution(null, trials, p[c]);
      SplittableRandom rng = new SplittableRandom(100 + c);
      int draws = 500_000;
      long[] seen = new long[trials + 1];
      for (int i = 0; i < draws; i++) {
        long x = Multinomial.binomial(trials, p[c], rng);
        assertThat(x).isBetween(0L, (long) trials);
        seen[(int) x]++;
      }
      // bins: every k with expected ≥ 5, tails pooled into the neighbouring edge bins
      int lo = 0, hi = trials;
      while (exact.probability(lo) * draws < 5 && lo < hi) lo++;
      while (exact.probability(hi) * draws < 5 && hi > lo) hi--;
      double chi2 = 0;
      int bins = 0;
      for (int k = lo; k <= hi; k++) {
        double e = k == lo ? exact.cumulativeProbability(lo) : k == hi ? 1 - exact.cumulativeProbability(hi - 1) : exact.probability(k);
        e *= draws;
        long o = 0;
        if (k == lo) {
          for (int j = 0; j <= lo; j++) o += seen[j];
        } else if (k == hi) {
          for (int j = hi; j <= trials; j++) o += seen[j];
        } else {
          o = seen[k];
        }
        chi2 += (o - e) * (o - e) / e;
        bins++;
      }
      double crit = new ChiSquaredDistribution(bins - 1).inverseCumulativeProbability(1 - 1e-4);
      assertThat(chi2).as("n=%d p=%s: χ² %.1f over %d bins", trials, p[c], chi2, bins).isLessThan(crit);
    }
  }

  @Test
  void multinomial_counts_sum_to_n_and_match_the_means_and_variances() {
    double[] w = {3, 0, 1, 6, 0.5, 40, 0.01};
    double total = 50.51;
    long n = 1_000_000;
    int rounds = 2000;
    double[] mean = new double[w.length], sq = new double[w.length];
    SplittableRandom rng = new SplittableRandom(9);
    for (int r = 0; r < rounds; r++) {
      long[] x = Multinomial.sample(n, w, rng);
      long sum = 0;
      for (int i = 0; i < w.length; i++) {
        sum += x[i];
        mean[i] += x[i] / (double) rounds;
        sq[i] += (double) x[i] * x[i] / rounds;
      }
      assertThat(sum).isEqualTo(n);
      assertThat(x[1]).isZero();
    }
    for (int i = 0; i < w.length; i++) {
      double pi = w[i] / total, mu = n * pi, var = n * pi * (1 - pi);
      double sampleVar = sq[i] - mean[i] * mean[i];
      // mean within 5 standard errors; variance within 20% (its relative sd is √(2/2000) ≈ 3%)
      assertThat(mean[i]).as("mean %d", i).isCloseTo(mu, within(5 * Math.sqrt(var / rounds) + 1e-9));
      if (var > 0) assertThat(sampleVar / var).as("variance %d", i).isCloseTo(1.0, within(0.2));
    }
  }

  @Test
  void log_factorial_matches_log_gamma() {
    for (long k : new long[] {0, 1, 5, 15, 16, 17, 100, 12345, 10_000_000}) {
      assertThat(Multinomial.logFactorial(k)).as("log %d!", k).isCloseTo(Gamma.logGamma(k + 1.0), within(1e-9 * Math.max(1, k)));
    }
  }

  @Test
  void bad_arguments_are_named() {
    SplittableRandom rng = new SplittableRandom(1);
    assertThatThrownBy(() -> Multinomial.binomial(5, 1.5, rng)).hasMessageContaining("p=1.5");
    assertThatThrownBy(() -> Multinomial.sample(5, new double[] {1, -1}, rng)).hasMessageContaining("weight 1");
    assertThatThrownBy(() -> Multinomial.sample(5, new double[] {0, 0}, rng)).hasMessageContaining("all be zero");
  }
}
