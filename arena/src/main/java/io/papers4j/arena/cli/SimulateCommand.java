package io.papers4j.arena.cli;

import io.papers4j.arena.log.BattleLog;
import io.papers4j.arena.sim.Simulator;
import io.papers4j.arena.stats.ActiveSampler;
import io.papers4j.arena.stats.Battle;
import io.papers4j.arena.stats.IpwWinMatrix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code papers4j arena simulate}: writes a battle log from the paper's simulation model (BT
 * strengths from Beta(1/γ, 1/γ)), with uniform or eq.-9 active pair sampling, and prints the true
 * strengths on FastChat's rating scale so that {@code arena ratings} can be checked against them.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = "Writes a simulated clean_battle log (paper §7.1 model) and prints the true ratings.")
public final class SimulateCommand implements Callable<Integer> {
  @Option(names = "--models", defaultValue = "10", description = "number of models (default: ${DEFAULT-VALUE})")
  int models;

  @Option(names = "--votes", defaultValue = "10000", description = "number of votes (default: ${DEFAULT-VALUE})")
  int votes;

  @Option(names = "--gamma", defaultValue = "2", description = "Beta(1/γ, 1/γ) prior (default: ${DEFAULT-VALUE})")
  double gamma;

  @Option(names = "--sampling", defaultValue = "uniform", description = "uniform or active (default: ${DEFAULT-VALUE})")
  String sampling;

  @Option(names = "--epsilon", defaultValue = "0.001", description = "active sampling floor (default: ${DEFAULT-VALUE})")
  double epsilon;

  @Option(names = "--users", defaultValue = "100", description = "simulated judges (default: ${DEFAULT-VALUE})")
  int users;

  @Option(names = "--seed", defaultValue = "0", description = "seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--out", required = true, description = "battle log to write (JSON lines)")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (models < 2) throw new IllegalArgumentException("--models must be at least 2");
    if (votes < 1) throw new IllegalArgumentException("--votes must be positive");
    if (users < 1) throw new IllegalArgumentException("--users must be positive");
    boolean active = switch (sampling) {
      case "uniform" -> false;
      case "active" -> true;
      default -> throw new IllegalArgumentException("--sampling must be uniform or active, got " + sampling);
    };
    Simulator sim = Simulator.beta(models, gamma, seed);
    SplittableRandom rng = new SplittableRandom(seed + 1);
    IpwWinMatrix est = new IpwWinMatrix(sim.pairs);
    ActiveSampler sampler = new ActiveSampler(epsilon);
    List<Battle> battles = new ArrayList<>(votes);
    double[] p = null;
    for (int t = 0; t < votes; t++) {
      int pair;
      double prop;
      if (active) {
        if (t % 100 == 0) p = sampler.probabilities(est);
        pair = ActiveSampler.sample(p, rng);
        prop = p[pair];
      } else {
        pair = rng.nextInt(sim.pairs.size());
        prop = 1.0 / sim.pairs.size();
      }
      double h = sim.vote(pair, rng);
      est.add(pair, h, prop);
      Battle b = sim.battle(pair, h, "sim_user_" + rng.nextInt(users));
      // FastChat swaps positions at random; the outcome follows the swap
      if (rng.nextBoolean()) b = new Battle(b.modelB(), b.modelA(), b.winner().swapped(), b.judge(), t, true);
      else b = new Battle(b.modelA(), b.modelB(), b.winner(), b.judge(), t, true);
      battles.add(b);
    }
    BattleLog.writeJsonl(battles, out);
    double mean = java.util.Arrays.stream(sim.xi).average().orElse(0);
    System.out.printf(Locale.ROOT, "wrote %d battles to %s%ntrue ratings (400·log10 scale, mean 1000):%n", votes, out);
    for (int i = 0; i < models; i++) {
      System.out.printf(Locale.ROOT, "  %s  %.1f%n", Simulator.name(i), 1000 + 400 / Math.log(10) * (sim.xi[i] - mean));
    }
    return 0;
  }
}
