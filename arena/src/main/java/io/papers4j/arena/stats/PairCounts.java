package io.papers4j.arena.stats;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Battles collapsed to unique (winner-side a, loser-side b, outcome y) triples, as in FastChat's
 * 2024-09 {@code rating_systems.py}: each triple holds its number of battles {@code count}, the sum of
 * the observation weights {@code w} and of their squares {@code w2} (weights are 1 for plain
 * battles and 1/P(A_t) for the paper's inverse-propensity fit). The likelihood term of a triple is
 * {@code w · [y log σ(ξ_a − ξ_b) + (1 − y) log σ(ξ_b − ξ_a)]}.
 */
public final class PairCounts {
  public final ModelIndex models;
  public final int[] a;
  public final int[] b;
  public final double[] y;
  public final double[] count;
  public final double[] w;
  public final double[] w2;

  PairCounts(ModelIndex models, int[] a, int[] b, double[] y, double[] count, double[] w, double[] w2) {
    this.models = models;
    this.a = a;
    this.b = b;
    this.y = y;
    this.count = count;
    this.w = w;
    this.w2 = w2;
  }

  /** Number of unique triples. */
  public int size() {
    return a.length;
  }

  /** Total number of battles (Σ count). */
  public double battles() {
    double n = 0;
    for (double c : count) n += c;
    return n;
  }

  /** The same triples with new per-triple battle counts (weights = counts): one bootstrap draw. */
  public PairCounts withCounts(double[] counts) {
    if (counts.length != size()) {
      throw new IllegalArgumentException("need " + size() + " counts, got " + counts.length);
    }
    double[] sq = counts.clone();
    return new PairCounts(models, a, b, y, counts.clone(), counts.clone(), sq);
  }

  /** Unit-weight triples over the models in {@code battles} (sorted names). */
  public static PairCounts of(List<Battle> battles) {
    return of(battles, ModelIndex.of(battles));
  }

  /** Unit-weight triples over a given model index (every battle's models must be in it). */
  public static PairCounts of(List<Battle> battles, ModelIndex models) {
    Builder bld = new Builder(models);
    for (Battle x : battles) {
      bld.add(models.indexOf(x.modelA()), models.indexOf(x.modelB()), x.winner().scoreA, 1.0);
    }
    return bld.build();
  }

  /** Index of each battle's triple in {@link #of(List, ModelIndex)}'s order (for row resampling). */
  public static int[] tripleOfRow(List<Battle> battles, ModelIndex models, PairCounts pc) {
    Map<Long, Integer> key = new HashMap<>();
    for (int t = 0; t < pc.size(); t++) key.put(Builder.key(pc.a[t], pc.b[t], pc.y[t]), t);
    int[] out = new int[battles.size()];
    for (int i = 0; i < out.length; i++) {
      Battle x = battles.get(i);
      out[i] =
          key.get(
              Builder.key(
                  models.indexOf(x.modelA()), models.indexOf(x.modelB()), x.winner().scoreA));
    }
    return out;
  }

  /** Accumulates weighted observations into unique triples. */
  public static final class Builder {
    private final ModelIndex models;
    private final Map<Long, Integer> slot = new HashMap<>();
    /** Dense slot table (a·M + b)·3 + 2y for up to 1,000 models: no boxing on the hot path. */
    private final int[] dense;
    private final java.util.ArrayList<double[]> rows = new java.util.ArrayList<>();

    public Builder(ModelIndex models) {
      this.models = models;
      int m = models.size();
      if (m <= 1000) {
        dense = new int[m * m * 3];
        java.util.Arrays.fill(dense, -1);
      } else {
        dense = null;
      }
    }

    static long key(int a, int b, double y) {
      // y ∈ {0, 0.5, 1} → 0, 1, 2
      return ((long) a << 33) | ((long) b << 2) | Math.round(y * 2);
    }

    /** Adds one observation: side {@code a} scored {@code y} against {@code b}, with weight. */
    public Builder add(int a, int b, double y, double weight) {
      if (a == b) throw new IllegalArgumentException("a model cannot battle itself: " + a);
      if (y != 0 && y != 0.5 && y != 1) throw new IllegalArgumentException("outcome must be 0, 0.5 or 1: " + y);
      int s;
      if (dense != null) {
        int k = (a * models.size() + b) * 3 + (int) Math.round(y * 2);
        s = dense[k];
        if (s < 0) {
          s = rows.size();
          dense[k] = s;
          rows.add(new double[] {a, b, y, 0, 0, 0});
        }
      } else {
        long k = key(a, b, y);
        Integer boxed = slot.get(k);
        if (boxed == null) {
          boxed = rows.size();
          slot.put(k, boxed);
          rows.add(new double[] {a, b, y, 0, 0, 0});
        }
        s = boxed;
      }
      double[] r = rows.get(s);
      r[3] += 1;
      r[4] += weight;
      r[5] += weight * weight;
      return this;
    }

    public PairCounts build() {
      int n = rows.size();
      int[] a = new int[n];
      int[] b = new int[n];
      double[] y = new double[n];
      double[] c = new double[n];
      double[] w = new double[n];
      double[] w2 = new double[n];
      for (int i = 0; i < n; i++) {
        double[] r = rows.get(i);
        a[i] = (int) r[0];
        b[i] = (int) r[1];
        y[i] = r[2];
        c[i] = r[3];
        w[i] = r[4];
        w2[i] = r[5];
      }
      return new PairCounts(models, a, b, y, c, w, w2);
    }
  }
}
