package io.papers4j.arena.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.arena.sim.Simulator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PaperEstimatorsTest {

  @Test
  void ipw_win_matrix_matches_a_hand_computation() {
    // T = 4 votes: pair 0 (P=0.5) H=1, pair 0 (P=0.5) H=0, pair 1 (P=0.25) H=1, pair 2 (P=0.25) H=0
    IpwWinMatrix est = new IpwWinMatrix(new PairIndex(3));
    est.add(0, 1, 0.5);
    est.add(0, 0, 0.5);
    est.add(1, 1, 0.25);
    est.add(2, 0, 0.25);
    // θ̂(0) = (2 + 0)/4 = 0.5; Σ̂_00 = (4 + 0)/4 − 0.25 = 0.75
    assertThat(est.theta(0)).isEqualTo(0.5);
    assertThat(est.variance(0)).isEqualTo(0.75);
    // θ̂(1) = 4/4 = 1; Σ̂_11 = 16/4 − 1 = 3; half-width 1.96·√(3/4)
    assertThat(est.theta(1)).isEqualTo(1.0);
    assertThat(est.variance(1)).isEqualTo(3.0);
    assertThat(est.halfWidth(1, 1.96)).isCloseTo(1.96 * Math.sqrt(0.75), within(1e-12));
  }

  @Test
  void ipw_is_unbiased_under_adaptive_sampling() {
    Simulator sim = Simulator.beta(4, 2, 3);
    ActiveSampler sampler = new ActiveSampler(0.02);
    SplittableRandom rng = new SplittableRandom(5);
    IpwWinMatrix est = new IpwWinMatrix(sim.pairs);
    double[] p = null;
    for (int t = 0; t < 60_000; t++) {
      if (t % 50 == 0) p = sampler.probabilities(est);
      int a = ActiveSampler.sample(p, rng);
      est.add(a, sim.vote(a, rng), p[a]);
    }
    for (int a = 0; a < sim.pairs.size(); a++) {
      double truth = BradleyTerry.sigmoid(sim.xi[sim.pairs.second(a)] - sim.xi[sim.pairs.first(a)]);
      assertThat(Math.abs(est.theta(a) - truth)).as("pair %d", a).isLessThan(4 * est.halfWidth(a, 1));
    }
  }

  @Test
  void active_sampler_respects_the_floor_and_favours_uncertain_pairs() {
    IpwWinMatrix est = new IpwWinMatrix(new PairIndex(3));
    ActiveSampler s = new ActiveSampler(0.05);
    double[] p0 = s.probabilities(est);
    assertThat(p0).containsExactly(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, within(1e-12));
    // pair 0: many votes, pair 1: few votes, same H pattern → pair 1 has larger expected shrinkage
    for (int i = 0; i < 100; i++) est.add(0, i % 2, 1 / 3.0);
    for (int i = 0; i < 4; i++) est.add(1, i % 2, 1 / 3.0);
    for (int i = 0; i < 4; i++) est.add(2, 0, 1 / 3.0); // Σ̂_22 = 0: only the floor
    double[] p = s.probabilities(est);
    assertThat(java.util.Arrays.stream(p).sum()).isCloseTo(1, within(1e-12));
    assertThat(p[2]).isCloseTo(0.05, within(1e-12));
    assertThat(p[1]).isGreaterThan(p[0]);
  }

  @Test
  void approximate_rank_counts_models_whose_lower_bound_beats_my_upper_bound() {
    double[] lo = {10, 8, 3, 0};
    double[] hi = {12, 11, 9, 2};
    // model 2's upper 9 < model 0's lower 10 → rank 2; model 3 is below 0, 1 and 2 → rank 4
    assertThat(ApproximateRank.ranks(lo, hi)).containsExactly(1, 1, 2, 4);
  }

  @Test
  void fastchat_sampler_gives_battle_targets_about_half_the_rival_draws() {
    Map<String, Double> w = Map.of("a", 1.0, "b", 1.0, "c", 1.0, "d", 1.0, "e", 1.0);
    FastChatSampler s = new FastChatSampler(w, Set.of(), Set.of("e"), Map.of("a", Set.of("b")));
    SplittableRandom rng = new SplittableRandom(1);
    int withA = 0, aVsB = 0, swapped = 0;
    for (int i = 0; i < 40_000; i++) {
      String[] p = s.sample(rng);
      assertThat(p).doesNotContain("e");
      assertThat(p[0]).isNotEqualTo(p[1]);
      if (p[0].equals("a") || p[1].equals("a")) {
        withA++;
        if (p[0].equals("b") || p[1].equals("b")) aVsB++;
      }
      if (p[1].equals("a")) swapped++;
    }
    // e is out; a first (1/4): the target b gets the total rival weight 3 → 3 of 5; b first (1/4):
    // a with 1/3; c or d first (1/2): a with 1/3. P(a in pair) = 1/4 + 1/12 + 1/6 = 1/2;
    // P(a, b) = 1/4·3/5 + 1/4·1/3 = 7/30
    assertThat(withA / 40_000.0).isCloseTo(0.5, within(0.015));
    assertThat(aVsB / 40_000.0).isCloseTo(7 / 30.0, within(0.015));
    assertThat(swapped / (double) withA).isCloseTo(0.5, within(0.02));
  }

  @Test
  void win_matrices_match_hand_counts() {
    List<Battle> b =
        List.of(
            Battle.of("x", "y", Winner.MODEL_A),
            Battle.of("y", "x", Winner.MODEL_A),
            Battle.of("x", "y", Winner.MODEL_A),
            Battle.of("x", "y", Winner.TIE));
    ModelIndex idx = ModelIndex.of(b);
    double[][] f = WinMatrices.winFraction(b, idx);
    assertThat(f[0][1]).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(f[1][0]).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(WinMatrices.battleCount(b, idx)[0][1]).isEqualTo(3);
    double[][] p = WinMatrices.predicted(new double[] {1400, 1000}, RatingScale.FASTCHAT);
    assertThat(p[0][1]).isCloseTo(10 / 11.0, within(1e-12));
  }
}
