package io.papers4j.arena.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.arena.sim.Simulator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** The weak L2 prior of the web leaderboard: closed forms for two models, limits, and λ = 0 unchanged. */
class BradleyTerryPriorTest {
  static final double LAMBDA = 0.1; // the web leaderboard's value (LeaderboardView.PRIOR_L2)
  static final double PPN = 400 / Math.log(10); // rating points per nat

  /** Root of a decreasing function on [lo, hi] by bisection (independent of the Newton solver). */
  static double root(DoubleUnaryOperator f, double lo, double hi) {
    for (int i = 0; i < 200; i++) {
      double mid = (lo + hi) / 2;
      if (f.applyAsDouble(mid) > 0) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  }

  /**
   * Two models, A beats B n times: with ξ_A = −ξ_B = d/2 the objective is −n log σ(d) + λ d²/2,
   * stationary where n σ(−d) = λ d.
   */
  static double closedFormGap(int n, double lambda) {
    return root(d -> n * BradleyTerry.sigmoid(-d) - lambda * d, 0, 100);
  }

  static Leaderboard.Options options(double l2) {
    return Leaderboard.Options.defaults().withL2(l2);
  }

  @Test
  void one_vote_gives_finite_ratings_a_closed_form_gap_and_non_zero_intervals() {
    List<Battle> one = List.of(Battle.of("A", "B", Winner.MODEL_A));
    double[] xi = BradleyTerry.DEFAULT.withL2(LAMBDA).fit(PairCounts.of(one));
    double d = closedFormGap(1, LAMBDA);
    assertThat(xi[0] - xi[1]).isCloseTo(d, within(1e-9));
    assertThat(d * PPN).isCloseTo(283, within(1.0)); // the figure quoted in LeaderboardView
    var rows = Leaderboard.compute(one, options(LAMBDA));
    for (var r : rows) {
      assertThat(r.rating()).isBetween(1000 - 150.0, 1000 + 150.0); // ±d/2·PPN = ±142
      // bootstrap rounds all repeat the one vote (width 0); the Laplace part is what remains:
      // sd(ξ_A) = ½ / √(p(1−p) + λ), p = σ(d), times z = 1.96
      double p = BradleyTerry.sigmoid(d);
      double half = 1.959963984540054 * 0.5 / Math.sqrt(p * (1 - p) + LAMBDA) * PPN;
      assertThat(r.upper() - r.rating()).isCloseTo(half, within(1e-6));
      assertThat(r.rating() - r.lower()).isCloseTo(half, within(1e-6));
      assertThat(Math.round(r.upper() - r.rating())).isGreaterThan(100);
    }
    // without the prior the same vote runs off to where only the iteration cap stops it
    var mle = Leaderboard.compute(one, Leaderboard.Options.defaults());
    assertThat(mle.get(0).rating() - mle.get(1).rating()).isGreaterThan(2000);
    assertThat(mle.get(0).upper() - mle.get(0).lower()).isEqualTo(0);
  }

  @Test
  void perfect_separation_twenty_to_zero_stays_finite() {
    List<Battle> sweep = Collections.nCopies(20, Battle.of("A", "B", Winner.MODEL_A));
    double[] xi = BradleyTerry.DEFAULT.withL2(LAMBDA).fit(PairCounts.of(sweep));
    double d = closedFormGap(20, LAMBDA);
    assertThat(xi[0] - xi[1]).isCloseTo(d, within(1e-9));
    assertThat(d * PPN).isCloseTo(680, within(1.0));
    for (var r : Leaderboard.compute(sweep, options(LAMBDA))) {
      assertThat(Double.isFinite(r.lower()) && Double.isFinite(r.upper())).isTrue();
      assertThat(r.upper() - r.lower()).isGreaterThan(0);
    }
    // a third model that only ever lost to B: the chain A > B > C is finite too
    List<Battle> chain = new ArrayList<>(sweep);
    chain.addAll(Collections.nCopies(5, Battle.of("B", "C", Winner.MODEL_A)));
    for (var r : Leaderboard.compute(chain, options(LAMBDA))) {
      assertThat(r.rating()).isBetween(0.0, 2000.0);
    }
  }

  @Test
  void prior_zero_is_the_plain_mle_bit_for_bit() {
    List<Battle> battles = Simulator.beta(6, 2, 3).uniformBattles(2000, new SplittableRandom(9));
    PairCounts pc = PairCounts.of(battles);
    assertThat(new BradleyTerry(100, 1e-13, 0).fit(pc)).containsExactly(BradleyTerry.DEFAULT.fit(pc));
    assertThat(Leaderboard.compute(battles, options(0)))
        .isEqualTo(Leaderboard.compute(battles, Leaderboard.Options.defaults()));
  }

  @Test
  void with_many_votes_the_prior_moves_ratings_by_under_one_point() {
    // first order: Δξ ≈ H⁻¹·2λ(ξ − ξ̄), H ≈ n_i·p(1−p) ≈ 1600·0.2 per model, |ξ| ≲ 1.5 → ~0.001 nat ≈ 0.2 points
    List<Battle> battles = Simulator.beta(5, 2, 11).uniformBattles(4000, new SplittableRandom(12));
    var plain = Leaderboard.compute(battles, Leaderboard.Options.defaults());
    var prior = Leaderboard.compute(battles, options(LAMBDA));
    double maxShift = 0;
    for (int i = 0; i < plain.size(); i++) {
      assertThat(prior.get(i).model()).isEqualTo(plain.get(i).model());
      maxShift = Math.max(maxShift, Math.abs(prior.get(i).rating() - plain.get(i).rating()));
      // with this much data the bootstrap is the wider interval, so the prior barely touches it
      assertThat(prior.get(i).upper() - prior.get(i).lower())
          .isCloseTo(plain.get(i).upper() - plain.get(i).lower(), within(3.0));
    }
    assertThat(maxShift).isGreaterThan(0).isLessThan(1.0);
  }

  @Test
  void a_negative_prior_or_a_prior_outside_bt_is_refused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BradleyTerry.DEFAULT.withL2(-1))
        .hasMessageContaining("l2");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Leaderboard.Options(
            Leaderboard.Method.ELO, 10, 0, RatingScale.FASTCHAT, Bootstrap.Resampling.TRIPLES, 0.05, 0.1))
        .hasMessageContaining("BT method only");
  }
}
