package io.papers4j.arena.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.papers4j.arena.sim.Simulator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SandwichTest {

  /** Votes with H relative to the second model, one triple per (pair, outcome), weights 1. */
  static PairCounts paperCounts(Simulator sim, int n, SplittableRandom rng) {
    ModelIndex idx = modelIndex(sim.models);
    PairCounts.Builder b = new PairCounts.Builder(idx);
    for (int t = 0; t < n; t++) {
      int pair = rng.nextInt(sim.pairs.size());
      b.add(sim.pairs.second(pair), sim.pairs.first(pair), sim.vote(pair, rng), 1.0);
    }
    return b.build();
  }

  static ModelIndex modelIndex(int m) {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < m; i++) names.add(Simulator.name(i));
    return new ModelIndex(names);
  }

  @Test
  void known_strengths_are_recovered_at_the_nominal_coverage() {
    // 200 trials × 4 non-reference models = 800 intervals; binomial sd of 0.95 coverage ≈ 0.008
    int trials = 200, m = 5, n = 4000, covered = 0, total = 0, jointCorrected = 0;
    for (int trial = 0; trial < trials; trial++) {
      Simulator sim = Simulator.beta(m, 2, 1000 + trial);
      Sandwich.Fit f = Sandwich.fit(paperCounts(sim, n, new SplittableRandom(trial)), 0, BradleyTerry.DEFAULT);
      double[] truth = sim.relativeTo(0);
      double z = Sandwich.Fit.uncorrectedFactor(0.05), c = f.correctedFactor(0.05);
      boolean all = true;
      for (int i = 1; i < m; i++) {
        total++;
        if (Math.abs(f.xi()[i] - truth[i]) <= z * f.se()[i]) covered++;
        if (Math.abs(f.xi()[i] - truth[i]) > c * f.se()[i]) all = false;
      }
      if (all) jointCorrected++;
    }
    double cov = covered / (double) total, joint = jointCorrected / (double) trials;
    System.out.printf("sandwich coverage: per-model %.3f (nominal 0.95), corrected joint %.3f%n", cov, joint);
    assertThat(cov).isBetween(0.925, 0.975);
    assertThat(joint).isGreaterThanOrEqualTo(0.93);
  }

  @Test
  void sandwich_matches_model_based_variance_under_a_correct_model() {
    // with unit weights and a correct model, meat ≈ bread, so V̂ ≈ B⁻¹ (Fisher information)
    Simulator sim = Simulator.beta(4, 2, 5);
    PairCounts pc = paperCounts(sim, 200_000, new SplittableRandom(9));
    Sandwich.Fit f = Sandwich.fit(pc, 0, BradleyTerry.DEFAULT);
    double[] xi = f.xi();
    double[][] h = BradleyTerry.hessian(pc, xi);
    double[][] red = new double[3][3];
    for (int i = 1; i < 4; i++) for (int j = 1; j < 4; j++) red[i - 1][j - 1] = h[i][j];
    double[][] inv = Linalg.inverse(red);
    for (int i = 1; i < 4; i++) {
      assertThat(f.se()[i] / Math.sqrt(inv[i - 1][i - 1])).isCloseTo(1.0, within(0.03));
    }
  }

  @Test
  void corrected_factor_is_sqrt_chi_square_quantile() {
    Sandwich.Fit f = new Sandwich.Fit(modelIndex(3), 0, new double[3], new double[3], 1);
    // χ²_{0.95, 2} = −2 ln 0.05 = 5.9915
    assertThat(f.correctedFactor(0.05)).isCloseTo(Math.sqrt(-2 * Math.log(0.05)), within(1e-9));
    assertThat(Sandwich.Fit.uncorrectedFactor(0.05)).isCloseTo(1.959964, within(1e-6));
  }

  @Test
  void reweighted_fit_targets_uniform_pairs_under_skewed_sampling() {
    // misspecified truth (not BT): θ(0,1)=0.5, θ(0,2)=0.9, θ(1,2)=0.5 — the BT target depends on the
    // pair distribution, so only the 1/P weights make the skewed sample estimate the uniform target.
    double[] theta = {0.5, 0.9, 0.5};
    double[] skew = {0.8, 0.1, 0.1};
    PairIndex pairs = new PairIndex(3);
    ModelIndex idx = modelIndex(3);
    SplittableRandom rng = new SplittableRandom(4);
    PairCounts.Builder uniform = new PairCounts.Builder(idx), weighted = new PairCounts.Builder(idx),
        unweighted = new PairCounts.Builder(idx);
    for (int t = 0; t < 300_000; t++) {
      int a = rng.nextInt(3);
      double h = rng.nextDouble() < theta[a] ? 1 : 0;
      uniform.add(pairs.second(a), pairs.first(a), h, 1);
      int s = ActiveSampler.sample(skew, rng);
      double hs = rng.nextDouble() < theta[s] ? 1 : 0;
      weighted.add(pairs.second(s), pairs.first(s), hs, 1 / skew[s]);
      unweighted.add(pairs.second(s), pairs.first(s), hs, 1);
    }
    double[] u = Sandwich.fit(uniform.build(), 0, BradleyTerry.DEFAULT).xi();
    double[] w = Sandwich.fit(weighted.build(), 0, BradleyTerry.DEFAULT).xi();
    double[] nw = Sandwich.fit(unweighted.build(), 0, BradleyTerry.DEFAULT).xi();
    assertThat(w[2]).isCloseTo(u[2], within(0.03));
    assertThat(Math.abs(nw[2] - u[2])).isGreaterThan(0.1);
  }

  @Test
  void sandwich_and_bootstrap_widths_agree() {
    Simulator sim = Simulator.beta(5, 2, 21);
    List<io.papers4j.arena.stats.Battle> battles = sim.uniformBattles(5000, new SplittableRandom(3));
    var s = Bootstrap.bradleyTerry(battles, BradleyTerry.DEFAULT, RatingScale.FASTCHAT, 400, 1, Bootstrap.Resampling.TRIPLES);
    // sandwich on the same battles in BT orientation, reference m00
    Sandwich.Fit f = Sandwich.fit(PairCounts.of(battles), 0, BradleyTerry.DEFAULT);
    double ppn = RatingScale.FASTCHAT.pointsPerNat();
    for (int i = 1; i < 5; i++) {
      double[] diff = new double[400];
      for (int r = 0; r < 400; r++) diff[r] = s.ratings()[r][i] - s.ratings()[r][0];
      double mean = java.util.Arrays.stream(diff).average().orElseThrow();
      double sd = Math.sqrt(java.util.Arrays.stream(diff).map(d -> (d - mean) * (d - mean)).sum() / 399);
      assertThat(f.se()[i] * ppn / sd).as("model %d", i).isCloseTo(1.0, within(0.2));
    }
  }
}
