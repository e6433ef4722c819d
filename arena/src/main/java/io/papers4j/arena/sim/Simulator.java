package io.papers4j.arena.sim;

import io.papers4j.arena.stats.Battle;
import io.papers4j.arena.stats.BradleyTerry;
import io.papers4j.arena.stats.PairIndex;
import io.papers4j.arena.stats.Winner;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.random.Well19937c;

/**
 * The paper's simulation model (§7.1, App. A): M models with Bradley-Terry strengths drawn i.i.d.
 * from Beta(1/γ, 1/γ) (γ = 2), votes H ~ Bernoulli(σ(ξ_{m′} − ξ_m)) on the pair shown. Models are
 * named {@code m00, m01, …} so that name order equals index order.
 */
public final class Simulator {
  public final int models;
  public final double[] xi;
  public final PairIndex pairs;

  public Simulator(double[] xi) {
    this.models = xi.length;
    this.xi = xi.clone();
    this.pairs = new PairIndex(models);
  }

  /** Strengths from Beta(1/γ, 1/γ), seeded. */
  public static Simulator beta(int models, double gamma, long seed) {
    BetaDistribution beta = new BetaDistribution(new Well19937c(seed), 1 / gamma, 1 / gamma);
    double[] xi = new double[models];
    for (int i = 0; i < models; i++) xi[i] = beta.sample();
    return new Simulator(xi);
  }

  public static String name(int model) {
    return model < NAMES.length ? NAMES[model] : String.format("m%02d", model);
  }

  /** Cached names: String.format per battle dominated simulating a million battles. */
  private static final String[] NAMES = new String[1000];

  static {
    for (int i = 0; i < NAMES.length; i++) NAMES[i] = String.format("m%02d", i);
  }

  /** H for one vote on {@code pair}: 1 if the second model is preferred. */
  public double vote(int pair, SplittableRandom rng) {
    double p = BradleyTerry.sigmoid(xi[pairs.second(pair)] - xi[pairs.first(pair)]);
    return rng.nextDouble() < p ? 1 : 0;
  }

  /** The battle record of a vote on {@code pair} with outcome h (first model shown as A). */
  public Battle battle(int pair, double h, String judge) {
    Winner w = h == 1 ? Winner.MODEL_B : h == 0 ? Winner.MODEL_A : Winner.TIE;
    return new Battle(name(pairs.first(pair)), name(pairs.second(pair)), w, judge, Double.NaN, true);
  }

  /** n votes with pairs drawn uniformly, as battle records. */
  public List<Battle> uniformBattles(int n, SplittableRandom rng) {
    List<Battle> out = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      int pair = rng.nextInt(pairs.size());
      out.add(battle(pair, vote(pair, rng), null));
    }
    return out;
  }

  /** True ξ relative to model {@code ref} (the paper fixes ξ_ref = 0). */
  public double[] relativeTo(int ref) {
    double[] r = xi.clone();
    for (int i = 0; i < r.length; i++) r[i] -= xi[ref];
    return r;
  }
}
