package io.papers4j.arena.repro;

import io.papers4j.arena.sim.Simulator;
import io.papers4j.arena.stats.ActiveSampler;
import io.papers4j.arena.stats.BradleyTerry;
import io.papers4j.arena.stats.IpwWinMatrix;
import io.papers4j.arena.stats.PairCounts;
import io.papers4j.arena.stats.PairEstimates;
import io.papers4j.arena.stats.PerPairWinMatrix;
import io.papers4j.arena.stats.Sandwich;
import java.util.SplittableRandom;

/**
 * Paper Fig. 7: average 95% interval width of the win matrix and of the BT scores (reweighted MLE
 * with sandwich, ξ units) against the number of votes, for uniform pair sampling and for eq.-9
 * active sampling with an ε floor (probabilities refreshed every {@code batch} votes). The win
 * matrix, and the variances eq. 9 reads, come from one of two named protocols: the paper's
 * inverse-propensity estimator of §5 ({@link Protocol#IPW}) or each pair's own mean
 * ({@link Protocol#PER_PAIR}).
 */
final class SamplingExperiment {
  /** Which win-matrix estimator the widths and the sampler use. */
  enum Protocol {
    IPW("ipw", "inverse-propensity win matrix (§5), width z·√(Σ̂_aa/T)"),
    PER_PAIR("per-pair", "each pair's own mean, width z·√(θ̃(1−θ̃)/n_a)");

    final String id;
    final String description;

    Protocol(String id, String description) {
      this.id = id;
      this.description = description;
    }
  }

  /** Width curves at the checkpoints {@code votes}. */
  record Curves(int[] votes, double[] winWidth, double[] btWidth) {}

  private SamplingExperiment() {}

  static Curves run(Simulator sim, Protocol protocol, boolean active, int maxVotes, int every, double epsilon, int batch, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    IpwWinMatrix ipw = new IpwWinMatrix(sim.pairs);
    PerPairWinMatrix perPair = new PerPairWinMatrix(sim.pairs);
    PairEstimates est = protocol == Protocol.IPW ? ipw : perPair;
    PairCounts.Builder bt = new PairCounts.Builder(CoverageExperiment.names(sim.models));
    ActiveSampler sampler = new ActiveSampler(epsilon);
    int k = sim.pairs.size();
    double[] p = new double[k];
    java.util.Arrays.fill(p, 1.0 / k);
    int points = maxVotes / every;
    int[] xs = new int[points];
    double[] win = new double[points], bts = new double[points];
    double z = Sandwich.Fit.uncorrectedFactor(0.05);
    for (int t = 1; t <= maxVotes; t++) {
      if (active && (t - 1) % batch == 0) p = sampler.probabilities(est);
      int a = active ? ActiveSampler.sample(p, rng) : rng.nextInt(k);
      double h = sim.vote(a, rng);
      ipw.add(a, h, p[a]);
      perPair.add(a, h);
      bt.add(sim.pairs.second(a), sim.pairs.first(a), h, 1 / p[a]);
      if (t % every == 0) {
        int i = t / every - 1;
        xs[i] = t;
        double w = 0;
        for (int pair = 0; pair < k; pair++) w += 2 * est.halfWidth(pair, z);
        win[i] = w / k;
        Sandwich.Fit f = Sandwich.fit(bt.build(), 0, BradleyTerry.DEFAULT);
        double s = 0;
        for (int m = 1; m < sim.models; m++) s += 2 * z * f.se()[m];
        bts[i] = s / (sim.models - 1);
      }
    }
    return new Curves(xs, win, bts);
  }

  /** First checkpoint at which {@code width} falls to {@code target} or below, or −1. */
  static int votesToReach(int[] votes, double[] width, double target) {
    for (int i = 0; i < votes.length; i++) if (width[i] <= target) return votes[i];
    return -1;
  }
}
