package io.papers4j.arena.cli;

import io.papers4j.arena.bench.AbuseBench;
import io.papers4j.arena.bench.FastChatPeer;
import io.papers4j.arena.bench.IngestBench;
import io.papers4j.arena.sim.Simulator;
import io.papers4j.arena.stats.ApproximateRank;
import io.papers4j.arena.stats.Battle;
import io.papers4j.arena.stats.Bootstrap;
import io.papers4j.arena.stats.BradleyTerry;
import io.papers4j.arena.stats.ModelIndex;
import io.papers4j.arena.stats.PairCounts;
import io.papers4j.arena.stats.RatingScale;
import io.papers4j.arena.stats.Winner;
import io.papers4j.core.cli.Benchmark;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code papers4j bench arena [--battles N] [--models M] [--rounds R] [--votes V] [--clients C]
 * [--no-python] [--only recompute|ingest|abuse]}:
 *
 * <p>(a) leaderboard recompute — collapse N synthetic battles among M models to (a, b, outcome)
 * triples, BT fit, R multinomial bootstrap rounds, ranks (issue target: under 10 s for 1,000,000
 * battles, 50 models, 100 rounds on 2 cores), beside FastChat's method in Python ({@link
 * FastChatPeer}) on the same battles as speed and correctness peer;
 *
 * <p>(b) vote ingest over loopback ({@link IngestBench}).
 *
 * <p>(c) real users voting during a flood of battle creation and regenerations ({@link AbuseBench}).
 */
public final class ArenaBenchmark implements Benchmark {
  @Override
  public String name() {
    return "arena";
  }

  @Override
  public String description() {
    return "Arena leaderboard recompute (BT + bootstrap on 1M battles, FastChat/sklearn peer), vote ingest throughput/latency, and votes under a flood";
  }

  @Override
  public String run(List<String> args, PrintStream out) throws Exception {
    int battles = intArg(args, "--battles", 1_000_000);
    int models = intArg(args, "--models", 50);
    int rounds = intArg(args, "--rounds", 100);
    int votes = intArg(args, "--votes", 4000);
    int clients = intArg(args, "--clients", 32);
    String only = stringArg(args, "--only", "all");
    if (!List.of("all", "recompute", "ingest", "abuse").contains(only)) {
      throw new IllegalArgumentException("--only must be recompute, ingest or abuse, got " + only);
    }
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "Load average (1, 5, 15 min) at the start: %s on %d cores.%n%n",
        loadAverage(), Runtime.getRuntime().availableProcessors()));
    if (only.equals("all") || only.equals("recompute")) md.append(recompute(battles, models, rounds, !args.contains("--no-python"), out));
    if (only.equals("all") || only.equals("ingest")) md.append(IngestBench.run(votes, clients, out));
    if (only.equals("all") || only.equals("abuse")) {
      // a flood from fewer addresses than the limiters remember, then from more (what a reverse proxy must stop)
      for (AbuseBench.Scenario sc : List.of(new AbuseBench.Scenario(16, 10, 4, 50, 2000, 1000),
          new AbuseBench.Scenario(16, 10, 4, 20_000, 2000, 1000))) {
        md.append("\n").append(AbuseBench.describe(sc, AbuseBench.run(sc, out)));
      }
    }
    md.append(String.format(Locale.ROOT, "%nLoad average at the end: %s.%n", loadAverage()));
    return md.toString();
  }

  private static String recompute(int n, int m, int rounds, boolean python, PrintStream out) throws Exception {
    List<Battle> data = syntheticBattles(n, m, 2);
    // (a) the leaderboard's own path (Leaderboard.compute with TRIPLES does these calls)
    long t0 = System.nanoTime();
    ModelIndex models = ModelIndex.of(data);
    PairCounts pc = PairCounts.of(data, models);
    long t1 = System.nanoTime();
    double[] rating = RatingScale.FASTCHAT.ratings(BradleyTerry.DEFAULT.fit(pc), models);
    long t2 = System.nanoTime();
    var boot = Bootstrap.bradleyTerry(pc, BradleyTerry.DEFAULT, RatingScale.FASTCHAT, rounds, 0);
    double[] lo = new double[models.size()], hi = new double[models.size()];
    for (int i = 0; i < lo.length; i++) {
      lo[i] = boot.quantile(i, 0.025);
      hi[i] = boot.quantile(i, 0.975);
    }
    ApproximateRank.ranks(lo, hi);
    long t3 = System.nanoTime();
    double collapse = (t1 - t0) / 1e9, fit = (t2 - t1) / 1e9, bootS = (t3 - t2) / 1e9, total = (t3 - t0) / 1e9;
    out.printf(Locale.ROOT, "(a) %,d battles, %d models, %d triples: collapse %.2f s, BT fit %.3f s, %d bootstrap rounds + ranks %.2f s, total %.2f s%n",
        n, m, pc.size(), collapse, fit, rounds, bootS, total);
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT,
        "**(a) Leaderboard recompute**, %,d synthetic battles among %d models (random sides, 15%% ties; %,d unique (a, b, outcome) triples), %d bootstrap rounds:%n%n"
            + "| implementation | collapse to counts (s) | BT fit (s) | bootstrap + CIs (s) | **total (s)** |%n|---|---:|---:|---:|---:|%n"
            + "| papers4j (Newton on pair statistics, multinomial bootstrap by conditional binomials, warm-started parallel rounds) | %.2f | %.3f | %.2f | **%.2f** |%n",
        n, m, pc.size(), rounds, collapse, fit, bootS, total));
    if (python) {
      md.append(FastChatPeer.compare(data, models, rating, lo, hi, rounds, out));
    } else {
      md.append("\n(FastChat/sklearn peer skipped: --no-python.)\n");
    }
    md.append(String.format(Locale.ROOT, "%nTarget < 10 s on 2 cores: **%s** (papers4j total %.2f s).%n%n", total < 10 ? "met" : "not met", total));
    return md.toString();
  }

  /**
   * n battles among m models: strengths from the paper's Beta(½, ½) model, the two sides in random
   * order, 15% ties, otherwise the Bradley-Terry winner.
   */
  static List<Battle> syntheticBattles(int n, int m, long seed) {
    Simulator sim = Simulator.beta(m, 2, seed);
    SplittableRandom rng = new SplittableRandom(seed);
    List<Battle> out = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      int a = rng.nextInt(m), b = rng.nextInt(m - 1);
      if (b >= a) b++;
      Winner w;
      if (rng.nextDouble() < 0.15) {
        w = Winner.TIE;
      } else {
        w = rng.nextDouble() < BradleyTerry.sigmoid(sim.xi[a] - sim.xi[b]) ? Winner.MODEL_A : Winner.MODEL_B;
      }
      out.add(new Battle(Simulator.name(a), Simulator.name(b), w, null, Double.NaN, true));
    }
    return out;
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static String stringArg(List<String> args, String name, String dflt) {
    int i = args.indexOf(name);
    if (i < 0) return dflt;
    if (i + 1 >= args.size()) throw new IllegalArgumentException(name + " needs a value");
    return args.get(i + 1);
  }

  private static int intArg(List<String> args, String name, int dflt) {
    String v = stringArg(args, name, null);
    if (v == null) return dflt;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got " + v);
    }
  }
}
