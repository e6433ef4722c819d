package io.papers4j.arena.repro;

import io.papers4j.arena.sim.Simulator;
import io.papers4j.arena.stats.Battle;
import io.papers4j.arena.stats.BradleyTerry;
import io.papers4j.arena.stats.Elo;
import io.papers4j.arena.stats.PairCounts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Paper §4: Bradley-Terry is invariant to the order of battles while online Elo is not. Returns
 * the largest BT rating change over {@code perms} shuffles and the mean per-model standard deviation
 * of online Elo across the shuffles for each K.
 */
final class OrderExperiment {
  private OrderExperiment() {}

  record Outcome(double btMaxChange, double[] ks, double[] eloSpread) {}

  static Outcome run(int models, int votes, int perms, double[] ks, long seed) {
    Simulator sim = Simulator.beta(models, 2, seed);
    List<Battle> battles = sim.uniformBattles(votes, new SplittableRandom(seed));
    double[] ref = BradleyTerry.DEFAULT.fit(PairCounts.of(battles));
    double btMax = 0;
    double[][][] elo = new double[ks.length][perms][];
    Random rnd = new Random(seed);
    for (int p = 0; p < perms; p++) {
      List<Battle> shuffled = new ArrayList<>(battles);
      Collections.shuffle(shuffled, rnd);
      double[] xi = BradleyTerry.DEFAULT.fit(PairCounts.of(shuffled));
      for (int i = 0; i < xi.length; i++) btMax = Math.max(btMax, Math.abs(xi[i] - ref[i]) * 400 / Math.log(10));
      for (int k = 0; k < ks.length; k++) {
        Map<String, Double> r = new Elo(ks[k], 400, 10, 1000).ratings(shuffled);
        elo[k][p] = r.values().stream().mapToDouble(Double::doubleValue).toArray();
      }
    }
    double[] spread = new double[ks.length];
    for (int k = 0; k < ks.length; k++) {
      double s = 0;
      for (int m = 0; m < models; m++) {
        double mean = 0, sq = 0;
        for (int p = 0; p < perms; p++) mean += elo[k][p][m] / perms;
        for (int p = 0; p < perms; p++) sq += (elo[k][p][m] - mean) * (elo[k][p][m] - mean);
        s += Math.sqrt(sq / (perms - 1));
      }
      spread[k] = s / models;
    }
    return new Outcome(btMax, ks, spread);
  }
}
