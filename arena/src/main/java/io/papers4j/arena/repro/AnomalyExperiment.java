package io.papers4j.arena.repro;

import io.papers4j.arena.sim.Simulator;
import io.papers4j.arena.stats.AnomalyDetector;
import io.papers4j.arena.stats.Battle;
import io.papers4j.arena.stats.Winner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Paper Table 5: 25 normal users (votes from the BT truth) and 25 anomalous ones (scripted: always
 * A, always tie, uniformly random, always the weaker model), 50-100 votes each, tested against a
 * history of normal votes with the paper's Fisher test (one-sided, as written, and two-sided) at
 * α ∈ {0.1, 0.3} and FastChat's e-value test (α = 0.05).
 */
final class AnomalyExperiment {
  /** Confusion counts of one detector. */
  record Score(String detector, int flagged, int truePositives, int passed, int trueNegatives) {
    double precision() {
      return flagged == 0 ? Double.NaN : truePositives / (double) flagged;
    }

    double recall() {
      return truePositives / 25.0;
    }
  }

  private AnomalyExperiment() {}

  static List<Score> run(int models, int history, long seed) {
    Simulator sim = Simulator.beta(models, 2, seed);
    // widen the strength range so that preferences are clear (Beta(1/2,1/2) lies in [0, 1])
    double[] xi = sim.xi.clone();
    for (int i = 0; i < xi.length; i++) xi[i] *= 3;
    sim = new Simulator(xi);
    SplittableRandom rng = new SplittableRandom(seed + 1);
    AnomalyDetector det = new AnomalyDetector(withRandomSides(sim.uniformBattles(history, rng), rng));
    Map<String, List<Battle>> users = new LinkedHashMap<>();
    for (int u = 0; u < 25; u++) users.put("normal_" + u, withRandomSides(sim.uniformBattles(50 + rng.nextInt(51), rng), rng));
    String[] kinds = {"always_a", "always_tie", "random", "weaker"};
    for (int u = 0; u < 25; u++) {
      String kind = kinds[u % kinds.length];
      int n = 50 + rng.nextInt(51);
      List<Battle> votes = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int pair = rng.nextInt(sim.pairs.size());
        Battle b = withRandomSides(List.of(sim.battle(pair, 0, null)), rng).get(0);
        Winner w = switch (kind) {
          case "always_a" -> Winner.MODEL_A;
          case "always_tie" -> Winner.TIE;
          case "random" -> rng.nextBoolean() ? Winner.MODEL_A : Winner.MODEL_B;
          default -> xi[index(b.modelA())] < xi[index(b.modelB())] ? Winner.MODEL_A : Winner.MODEL_B;
        };
        votes.add(new Battle(b.modelA(), b.modelB(), w, "anomalous_" + kind + "_" + u, Double.NaN, true));
      }
      users.put("anomalous_" + kind + "_" + u, votes);
    }
    List<Score> out = new ArrayList<>();
    for (double alpha : new double[] {0.1, 0.3}) {
      out.add(score("fisher (paper, one-sided) α=" + alpha, users, (v, s) -> det.fisher(v, alpha, s).flagged()));
      out.add(score("fisher (two-sided) α=" + alpha, users, (v, s) -> det.fisher(v, alpha, s, true).flagged()));
      out.add(score("fisher (one-sided, randomized) α=" + alpha, users, (v, s) -> det.fisher(v, alpha, s, false, true).flagged()));
      out.add(score("fisher (two-sided, randomized) α=" + alpha, users, (v, s) -> det.fisher(v, alpha, s, true, true).flagged()));
    }
    out.add(score("e-value (FastChat code) α=0.05", users, (v, s) -> det.eValue(v, 0.05).flagged()));
    return out;
  }

  private interface Test {
    boolean flags(List<Battle> votes, long seed);
  }

  private static Score score(String name, Map<String, List<Battle>> users, Test test) {
    int flagged = 0, tp = 0, passed = 0, tn = 0;
    long s = 0;
    for (var e : users.entrySet()) {
      boolean bad = e.getKey().startsWith("anomalous");
      if (test.flags(e.getValue(), s++)) {
        flagged++;
        if (bad) tp++;
      } else {
        passed++;
        if (!bad) tn++;
      }
    }
    return new Score(name, flagged, tp, passed, tn);
  }

  private static int index(String name) {
    return Integer.parseInt(name.substring(1));
  }

  /** FastChat shows the pair in random left/right order. */
  private static List<Battle> withRandomSides(List<Battle> in, SplittableRandom rng) {
    List<Battle> out = new ArrayList<>(in.size());
    for (Battle b : in) {
      out.add(rng.nextBoolean() ? b : new Battle(b.modelB(), b.modelA(), b.winner().swapped(), b.judge(), b.tstamp(), b.anony()));
    }
    return out;
  }
}
