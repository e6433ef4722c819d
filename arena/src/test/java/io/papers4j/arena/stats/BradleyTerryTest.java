package io.papers4j.arena.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.papers4j.arena.SharedData;
import io.papers4j.arena.log.BattleLog;
import io.papers4j.arena.sim.Simulator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class BradleyTerryTest {

  private static List<Battle> repeat(String a, String b, Winner w, int n) {
    return Collections.nCopies(n, Battle.of(a, b, w));
  }

  @Test
  void two_models_three_wins_in_four_give_400_log10_3_apart() {
    // MLE of a single pair: σ(ξ_A − ξ_B) = 3/4 → Δξ = ln 3 → Δrating = 400·log10(3) = 190.849
    List<Battle> battles = new ArrayList<>(repeat("A", "B", Winner.MODEL_A, 3));
    battles.add(Battle.of("B", "A", Winner.MODEL_A));
    ModelIndex idx = ModelIndex.of(battles);
    double[] r = RatingScale.FASTCHAT.ratings(BradleyTerry.DEFAULT.fit(PairCounts.of(battles)), idx);
    assertThat(r[0] - r[1]).isCloseTo(400 * Math.log10(3), within(1e-9));
    assertThat((r[0] + r[1]) / 2).isCloseTo(1000, within(1e-9)); // Σξ = 0 → mean 1000
  }

  @Test
  void warm_start_and_side_order_do_not_change_the_optimum() {
    // pair reduction: (A beat B) and (B lost to A) are the same observation from the two sides
    List<Battle> battles = Simulator.beta(8, 2, 4).uniformBattles(3000, new SplittableRandom(5));
    List<Battle> swapped = new ArrayList<>();
    for (Battle b : battles) swapped.add(Battle.of(b.modelB(), b.modelA(), b.winner().swapped()));
    double[] xi = BradleyTerry.DEFAULT.fit(PairCounts.of(battles));
    double[] xs = BradleyTerry.DEFAULT.fit(PairCounts.of(swapped));
    double[] start = {3, -2, 0.5, 7, 1, 1, -4, 0}; // far away and not centred
    double[] xw = BradleyTerry.DEFAULT.fit(PairCounts.of(battles), start);
    for (int i = 0; i < xi.length; i++) {
      assertThat(xs[i]).isCloseTo(xi[i], within(1e-9));
      assertThat(xw[i]).isCloseTo(xi[i], within(1e-9));
    }
    // the optimum zeroes the triple-form gradient too
    double[] g = BradleyTerry.gradient(PairCounts.of(battles), xi);
    for (double v : g) assertThat(Math.abs(v) / battles.size()).isLessThan(1e-12);
  }

  @Test
  void ties_count_as_half_a_win_for_each_side() {
    // A: 2 wins, 1 tie, 1 loss → score 2.5 of 4 → Δξ = ln(2.5 / 1.5)
    List<Battle> battles = new ArrayList<>(repeat("A", "B", Winner.MODEL_A, 2));
    battles.add(Battle.of("A", "B", Winner.TIE));
    battles.add(Battle.of("A", "B", Winner.MODEL_B));
    double[] xi = BradleyTerry.DEFAULT.fit(PairCounts.of(battles));
    assertThat(xi[0] - xi[1]).isCloseTo(Math.log(2.5 / 1.5), within(1e-10));
    List<Battle> bothbad = new ArrayList<>(battles);
    bothbad.set(2, Battle.of("A", "B", Winner.TIE_BOTHBAD));
    assertThat(BradleyTerry.DEFAULT.fit(PairCounts.of(bothbad))[0]).isCloseTo(xi[0], within(1e-12));
  }

  @Test
  void gradient_and_hessian_match_finite_differences() {
    Simulator sim = Simulator.beta(6, 2, 7);
    List<Battle> battles = sim.uniformBattles(500, new SplittableRandom(1));
    battles.add(Battle.of("m00", "m03", Winner.TIE));
    PairCounts pc = PairCounts.of(battles);
    Random r = new Random(3);
    double[] xi = new double[6];
    for (int i = 0; i < 6; i++) xi[i] = r.nextGaussian();
    double[] g = BradleyTerry.gradient(pc, xi);
    double[][] h = BradleyTerry.hessian(pc, xi);
    double eps = 1e-5, maxdiffG = 0, maxdiffH = 0;
    for (int i = 0; i < 6; i++) {
      double[] p = xi.clone(), m = xi.clone();
      p[i] += eps;
      m[i] -= eps;
      double num = (BradleyTerry.negLogLik(pc, p) - BradleyTerry.negLogLik(pc, m)) / (2 * eps);
      maxdiffG = Math.max(maxdiffG, Math.abs(num - g[i]));
      double[] gp = BradleyTerry.gradient(pc, p), gm = BradleyTerry.gradient(pc, m);
      for (int j = 0; j < 6; j++) maxdiffH = Math.max(maxdiffH, Math.abs((gp[j] - gm[j]) / (2 * eps) - h[i][j]));
    }
    System.out.printf("BT finite differences: maxdiff gradient %.2e, hessian %.2e%n", maxdiffG, maxdiffH);
    assertThat(maxdiffG).isLessThan(1e-5);
    assertThat(maxdiffH).isLessThan(1e-5);
  }

  @Test
  void fit_is_a_stationary_point_and_order_independent() {
    Simulator sim = Simulator.beta(8, 2, 11);
    List<Battle> battles = sim.uniformBattles(3000, new SplittableRandom(2));
    double[] xi = BradleyTerry.DEFAULT.fit(PairCounts.of(battles));
    double[] g = BradleyTerry.gradient(PairCounts.of(battles), xi);
    for (double v : g) assertThat(Math.abs(v)).isLessThan(1e-6);
    assertThat(java.util.Arrays.stream(xi).sum()).isCloseTo(0, within(1e-12));
    List<Battle> shuffled = new ArrayList<>(battles);
    Collections.shuffle(shuffled, new Random(5));
    double[] xs = BradleyTerry.DEFAULT.fit(PairCounts.of(shuffled));
    for (int i = 0; i < xi.length; i++) assertThat(xs[i]).isCloseTo(xi[i], within(1e-12));
  }

  @Test
  void arena_hard_ratings_match_independent_mm_algorithm() throws Exception {
    Path file = SharedData.arenaHardBattles();
    Assumptions.assumeTrue(file != null, "needs shared/data/arena-hard-v0.1/battles.jsonl");
    List<Battle> battles = BattleLog.read(file);
    assertThat(battles).hasSize(2136);
    JsonNode ref =
        new ObjectMapper().readTree(getClass().getResourceAsStream("/arena/arena-hard-reference.json"));
    ModelIndex idx = ModelIndex.of(battles);
    double[] r = RatingScale.FASTCHAT.ratings(BradleyTerry.DEFAULT.fit(PairCounts.of(battles)), idx);
    double maxdiff = 0;
    for (int i = 0; i < idx.size(); i++) {
      maxdiff = Math.max(maxdiff, Math.abs(r[i] - ref.get("bt_ratings").get(idx.name(i)).asDouble()));
    }
    System.out.printf("arena-hard BT vs MM reference: maxdiff %.2e rating points%n", maxdiff);
    assertThat(maxdiff).isLessThan(1e-6);
  }

  @Test
  void anchor_pins_one_model_and_keeps_differences() {
    List<Battle> battles = new ArrayList<>(repeat("A", "B", Winner.MODEL_A, 3));
    battles.add(Battle.of("B", "A", Winner.MODEL_A));
    ModelIndex idx = ModelIndex.of(battles);
    double[] xi = BradleyTerry.DEFAULT.fit(PairCounts.of(battles));
    double[] r = RatingScale.FASTCHAT.withAnchor("B", 1114).ratings(xi, idx);
    assertThat(r[1]).isEqualTo(1114);
    assertThat(r[0] - r[1]).isCloseTo(400 * Math.log10(3), within(1e-9));
  }
}
