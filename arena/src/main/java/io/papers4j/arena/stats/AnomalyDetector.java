package io.papers4j.arena.stats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * Anomalous-user detection, both the paper's test (§5.1) and FastChat's code ({@code
 * outlier_detect}). Votes are put on sorted pairs (m &lt; m′ by name).
 *
 * <p><b>Paper (Fisher).</b> With H = 1 when m′ was preferred (0.5 tie) and history 𝓗_a the votes
 * of other users on pair a: p_i = (1 + #{h ∈ 𝓗_{A′_i} : h ≥ H′_i}) / (|𝓗_{A′_i}| + 1), valid under
 * exchangeability. After j votes M_j = −2 Σ_{i≤j} ln p_i ~ χ²_{2j} under the null. M_j is checked at
 * 5 randomly chosen j in [1, min(100, #votes)] (random so users cannot game it) and the user is
 * flagged if any M_j ≥ χ²_{2j, 1−α/5} (Bonferroni over the 5 looks). This p-value is one-sided: a
 * user who prefers the <em>first</em> model of a sorted pair too often gets p = 1. The two-sided
 * variant uses p = min(1, 2 min(p⁺, p⁻)) with p⁻ = (1 + #{h ≤ H′}) / (|𝓗| + 1), also valid under
 * exchangeability (conservative). With votes in {0, ½, 1} these p-values are discrete and the
 * χ² calibration is very conservative; the {@code randomized} variant breaks ties with the history
 * at random, p⁺ = (#{h &gt; H′} + U·(1 + #{h = H′})) / (|𝓗| + 1) with U ~ Uniform(0, 1), which is
 * exactly uniform under exchangeability (FastChat's code jitters votes by ±1e-5 for the same end).
 *
 * <p><b>Code (e-value).</b> Users with at least 5 votes; history per pair = wins (1) and losses (0)
 * of the alphabetically first model m, ties excluded; the user's vote v ∈ {1, 0.5, 0} for m;
 * p⁺ = mean(hist ≤ v), p⁻ = mean(hist ≥ v); products M⁺ = Π 1/(2p⁺), M⁻ = Π 1/(2p⁻) over the first
 * 100 votes; flagged as soon as either exceeds 1/α (α = 0.05 in FastChat).
 */
public final class AnomalyDetector {
  private final Map<String, double[]> history = new HashMap<>(); // pair → counts of H = 0, ½, 1

  /** Builds the per-pair history from the votes of the reference population. */
  public AnomalyDetector(List<Battle> historical) {
    for (Battle b : historical) {
      double[] c = history.computeIfAbsent(key(b), k -> new double[3]);
      c[(int) Math.round(secondPreferred(b) * 2)]++;
    }
  }

  /** Outcome of one user's test: whether flagged and after how many votes (−1 if not flagged). */
  public record Verdict(boolean flagged, int votesUsed, double statistic) {}

  /** The paper's one-sided Fisher-combination test at level α with 5 random looks (seeded). */
  public Verdict fisher(List<Battle> userVotes, double alpha, long seed) {
    return fisher(userVotes, alpha, seed, false);
  }

  /** Fisher-combination test, one-sided as in the paper or two-sided. */
  public Verdict fisher(List<Battle> userVotes, double alpha, long seed, boolean twoSided) {
    return fisher(userVotes, alpha, seed, twoSided, false);
  }

  /** Fisher-combination test, one- or two-sided, with exact (as written) or randomized p-values. */
  public Verdict fisher(List<Battle> userVotes, double alpha, long seed, boolean twoSided, boolean randomized) {
    int n = Math.min(100, userVotes.size());
    if (n == 0) return new Verdict(false, -1, 0);
    TreeSet<Integer> looks = new TreeSet<>();
    SplittableRandom rng = new SplittableRandom(seed);
    int wanted = Math.min(5, n);
    while (looks.size() < wanted) looks.add(1 + rng.nextInt(n));
    double m = 0;
    int j = 0;
    for (Battle b : userVotes.subList(0, n)) {
      double[] c = history.getOrDefault(key(b), new double[3]);
      double h = secondPreferred(b);
      double total = c[0] + c[1] + c[2];
      double atLeast = 0, atMost = 0;
      for (int k = 0; k < 3; k++) {
        if (k / 2.0 >= h) atLeast += c[k];
        if (k / 2.0 <= h) atMost += c[k];
      }
      double p;
      if (randomized) {
        double equal = c[(int) Math.round(h * 2)];
        p = (atLeast - equal + rng.nextDouble() * (1 + equal)) / (total + 1);
        if (twoSided) p = 2 * Math.min(p, 1 - p);
      } else {
        p = (1 + atLeast) / (total + 1);
        if (twoSided) p = Math.min(1, 2 * Math.min(p, (1 + atMost) / (total + 1)));
      }
      p = Math.max(p, Double.MIN_NORMAL);
      m += -2 * Math.log(p);
      j++;
      if (looks.contains(j)) {
        double crit =
            new ChiSquaredDistribution(null, 2 * j).inverseCumulativeProbability(1 - alpha / 5);
        if (m >= crit) return new Verdict(true, j, m);
      }
    }
    return new Verdict(false, -1, m);
  }

  /** FastChat's e-value test (ties excluded from history); users with &lt; 5 votes pass. */
  public Verdict eValue(List<Battle> userVotes, double alpha) {
    if (userVotes.size() < 5) return new Verdict(false, -1, 0);
    double logUpper = 0, logLower = 0, threshold = Math.log(1 / alpha);
    int used = 0;
    for (Battle b : userVotes) {
      if (used >= 100) break;
      double[] c = history.getOrDefault(key(b), new double[3]);
      // history of the first model m: its wins (H = 0) count 1, its losses (H = 1) count 0
      double wins = c[0], losses = c[2], total = wins + losses;
      double v = 1 - secondPreferred(b);
      used++;
      if (total == 0) continue; // pandas' mean of nothing is NaN and never flags
      double pUpper = ((v >= 1 ? wins : 0) + (v >= 0 ? losses : 0)) / total; // hist ≤ v
      double pLower = ((v <= 1 ? wins : 0) + (v <= 0 ? losses : 0)) / total; // hist ≥ v
      logUpper += -Math.log(2 * pUpper);
      logLower += -Math.log(2 * pLower);
      if (logUpper > threshold || logLower > threshold) {
        return new Verdict(true, used, Math.max(logUpper, logLower));
      }
    }
    return new Verdict(false, -1, Math.max(logUpper, logLower));
  }

  /** Groups battles by judge, keeping order. */
  public static Map<String, List<Battle>> byJudge(List<Battle> battles) {
    Map<String, List<Battle>> out = new java.util.LinkedHashMap<>();
    for (Battle b : battles) {
      if (b.judge() == null) continue;
      out.computeIfAbsent(b.judge(), k -> new ArrayList<>()).add(b);
    }
    return out;
  }

  private static String key(Battle b) {
    String x = b.modelA(), y = b.modelB();
    return x.compareTo(y) < 0 ? x + "\u0000" + y : y + "\u0000" + x;
  }

  /** H: 1 if the alphabetically second model was preferred, 0.5 for a tie, else 0. */
  static double secondPreferred(Battle b) {
    double scoreA = b.winner().scoreA;
    boolean aIsFirst = b.modelA().compareTo(b.modelB()) < 0;
    return aIsFirst ? 1 - scoreA : scoreA;
  }
}
