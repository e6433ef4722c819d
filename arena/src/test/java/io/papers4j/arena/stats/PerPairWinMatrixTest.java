package io.papers4j.arena.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PerPairWinMatrixTest {
  @Test
  void each_pair_has_its_own_mean_and_binomial_standard_error() {
    PerPairWinMatrix est = new PerPairWinMatrix(new PairIndex(3)); // 3 pairs
    for (double h : new double[] {1, 1, 0, 1}) est.add(0, h);
    est.add(1, 0.5);
    assertThat(est.votes(0)).isEqualTo(4);
    assertThat(est.theta(0)).isEqualTo(0.75);
    // smoothed θ̃ = (3 + 1/2) / 5 = 0.7, Σ̂ = 0.21, half-width 1.96·√(0.21/4)
    assertThat(est.variance(0)).isCloseTo(0.21, within(1e-12));
    assertThat(est.halfWidth(0, 1.96)).isCloseTo(1.96 * Math.sqrt(0.21 / 4), within(1e-12));
    assertThat(est.halfWidth(2, 1.96)).isInfinite(); // no vote yet
    assertThatThrownBy(() -> est.add(0, 2)).hasMessageContaining("outcome must be in [0, 1]");
  }

  @Test
  void eq9_gives_more_mass_to_the_pair_whose_width_would_shrink_most() {
    PerPairWinMatrix est = new PerPairWinMatrix(new PairIndex(3));
    for (int i = 0; i < 10; i++) est.add(0, i % 2); // θ = 0.5, 10 votes: wide
    for (int i = 0; i < 40; i++) est.add(1, 1); // all wins, 40 votes: narrow
    for (int i = 0; i < 40; i++) est.add(2, i % 2);
    double[] p = new ActiveSampler(0.01).probabilities(est);
    assertThat(p[0]).isGreaterThan(p[2]).isGreaterThan(p[1]);
    assertThat(p[0] + p[1] + p[2]).isCloseTo(1.0, within(1e-12));
    // q(a) = √(Σ/n) − √(Σ/(n+1)), checked for pair 0 against pair 2 directly
    double q0 = Math.sqrt(est.variance(0) / 10) - Math.sqrt(est.variance(0) / 11);
    double q2 = Math.sqrt(est.variance(2) / 40) - Math.sqrt(est.variance(2) / 41);
    assertThat((p[0] - 0.01) / (p[2] - 0.01)).isCloseTo(q0 / q2, within(1e-9));
  }
}
