package io.papers4j.arena.repro;

import io.papers4j.arena.sim.Simulator;
import io.papers4j.arena.stats.BradleyTerry;
import io.papers4j.arena.stats.Bootstrap;
import io.papers4j.arena.stats.ModelIndex;
import io.papers4j.arena.stats.PairCounts;
import io.papers4j.arena.stats.RatingScale;
import io.papers4j.arena.stats.Sandwich;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Paper Fig. 6 / App. A: coverage and width of the sandwich intervals for the BT scores vs the
 * number of models M and votes n, with uniform pair sampling and strengths from Beta(1/2, 1/2).
 * Per-model (uncorrected, 95%) coverage counts intervals that hold the true ξ_m − ξ_0; joint
 * coverage of the χ²-corrected set counts trials where every model's interval holds.
 */
final class CoverageExperiment {
  /** One (M, n) cell. */
  record Cell(int models, int votes, int trials, double coverage, double jointCorrected, double width) {}

  private CoverageExperiment() {}

  static ModelIndex names(int m) {
    List<String> n = new ArrayList<>();
    for (int i = 0; i < m; i++) n.add(Simulator.name(i));
    return new ModelIndex(n);
  }

  /** Votes in the paper's orientation (a = second model, y = H) with unit weights. */
  static PairCounts votes(Simulator sim, int n, SplittableRandom rng) {
    PairCounts.Builder b = new PairCounts.Builder(names(sim.models));
    for (int t = 0; t < n; t++) {
      int pair = rng.nextInt(sim.pairs.size());
      b.add(sim.pairs.second(pair), sim.pairs.first(pair), sim.vote(pair, rng), 1.0);
    }
    return b.build();
  }

  static Cell run(int m, int n, int trials, long seed) {
    double z = Sandwich.Fit.uncorrectedFactor(0.05);
    int covered = 0, total = 0, joint = 0;
    double width = 0;
    for (int t = 0; t < trials; t++) {
      Simulator sim = Simulator.beta(m, 2, seed * 1_000_003L + t);
      Sandwich.Fit f = Sandwich.fit(votes(sim, n, new SplittableRandom(seed + 7919L * t)), 0, BradleyTerry.DEFAULT);
      double c = f.correctedFactor(0.05);
      double[] truth = sim.relativeTo(0);
      boolean all = true;
      for (int i = 1; i < m; i++) {
        double err = Math.abs(f.xi()[i] - truth[i]);
        total++;
        if (err <= z * f.se()[i]) covered++;
        if (err > c * f.se()[i]) all = false;
        width += 2 * z * f.se()[i];
      }
      if (all) joint++;
    }
    return new Cell(m, n, trials, covered / (double) total, joint / (double) trials, width / total);
  }

  /**
   * Paper Fig. 14: mean sandwich vs bootstrap (100 rounds) interval width, in ξ units, for the same
   * battles (M models, n votes, one trial).
   */
  static double[] sandwichVsBootstrap(int m, int n, long seed) {
    Simulator sim = Simulator.beta(m, 2, seed);
    var battles = sim.uniformBattles(n, new SplittableRandom(seed));
    Sandwich.Fit f = Sandwich.fit(PairCounts.of(battles), 0, BradleyTerry.DEFAULT);
    var boot = Bootstrap.bradleyTerry(battles, BradleyTerry.DEFAULT, RatingScale.FASTCHAT, 100, seed, Bootstrap.Resampling.TRIPLES);
    double ppn = RatingScale.FASTCHAT.pointsPerNat();
    double ws = 0, wb = 0;
    for (int i = 1; i < m; i++) {
      ws += 2 * 1.959964 * f.se()[i];
      double[] d = new double[100];
      for (int r = 0; r < 100; r++) d[r] = (boot.ratings()[r][i] - boot.ratings()[r][0]) / ppn;
      wb += io.papers4j.arena.stats.Quantiles.of(d, 0.975) - io.papers4j.arena.stats.Quantiles.of(d, 0.025);
    }
    return new double[] {ws / (m - 1), wb / (m - 1)};
  }
}
