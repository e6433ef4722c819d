package io.papers4j.lm.reasoning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RlMathTest {
  @Test
  void gae_matches_a_hand_computed_trajectory() {
    double[] r = {0, 0, 1};
    double[] v = {0.5, 0.6, 0.7};
    // gamma 1, lambda 0.95: d2 = 1 - 0.7 = 0.3; d1 = 0.7 - 0.6 = 0.1; d0 = 0.6 - 0.5 = 0.1
    // A2 = 0.3; A1 = 0.1 + 0.95*0.3 = 0.385; A0 = 0.1 + 0.95*0.385 = 0.46575
    assertThat(RlMath.gae(r, v, 1.0, 0.95)).containsExactly(new double[] {0.46575, 0.385, 0.3}, within(1e-12));
    // gamma 0.9, lambda 0.5: d1 = 0.9*0.7 - 0.6 = 0.03, A1 = 0.03 + 0.45*0.3 = 0.165;
    // d0 = 0.9*0.6 - 0.5 = 0.04, A0 = 0.04 + 0.45*0.165 = 0.11425
    assertThat(RlMath.gae(r, v, 0.9, 0.5)).containsExactly(new double[] {0.11425, 0.165, 0.3}, within(1e-12));
    // lambda 1, gamma 1: Monte-Carlo return minus value
    assertThat(RlMath.gae(r, v, 1.0, 1.0)).containsExactly(new double[] {0.5, 0.4, 0.3}, within(1e-12));
    // lambda 0: one-step TD errors
    assertThat(RlMath.gae(r, v, 1.0, 0.0)).containsExactly(new double[] {0.1, 0.1, 0.3}, within(1e-12));
  }

  @Test
  void clipped_objective_takes_the_pessimistic_branch() {
    double eps = 0.2;
    assertThat(RlMath.clippedObjective(Math.log(1.5), 0, 2, eps)).isCloseTo(2.4, within(1e-12)); // clipped above
    assertThat(RlMath.clippedObjective(Math.log(0.5), 0, 2, eps)).isCloseTo(1.0, within(1e-12)); // unclipped below
    assertThat(RlMath.clippedObjective(Math.log(0.5), 0, -1, eps)).isCloseTo(-0.8, within(1e-12)); // clipped below
    assertThat(RlMath.clippedObjective(Math.log(1.5), 0, -1, eps)).isCloseTo(-1.5, within(1e-12)); // unclipped above
    assertThat(RlMath.clippedObjective(0.3, 0.3, 0.7, eps)).isCloseTo(0.7, within(1e-12)); // ratio 1
  }

  @Test
  void kl_estimators_are_unbiased_in_expectation_and_k3_is_non_negative() {
    double[] p = {0.5, 0.3, 0.2};
    double[] q = {0.2, 0.2, 0.6};
    double kl = 0;
    for (int i = 0; i < 3; i++) kl += p[i] * Math.log(p[i] / q[i]);
    double e1 = 0;
    double e3 = 0;
    for (int i = 0; i < 3; i++) {
      e1 += p[i] * RlMath.klK1(Math.log(p[i]), Math.log(q[i]));
      double k3 = RlMath.klK3(Math.log(p[i]), Math.log(q[i]));
      assertThat(k3).isGreaterThanOrEqualTo(0);
      e3 += p[i] * k3;
    }
    assertThat(e1).isCloseTo(kl, within(1e-12));
    assertThat(e3).isCloseTo(kl, within(1e-12));
    assertThat(RlMath.klK3(-1.2, -1.2)).isEqualTo(0.0);
  }
}
