package io.papers4j.multimodal.mlmfilter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Filtering at a retained fraction: keep exactly round(f·N) pairs with the highest scores; ties are
 * broken by position in the pool (earlier first), and missing scores (malformed outputs, NaN) rank
 * below every score. Also the metric combinations (AND = min, OR = max: keeping the top fraction by
 * min(a, b) is the AND of two thresholds at the same level) and the basic rule filter.
 */
public final class Filtering {
  private Filtering() {}

  /** Indices (ascending) of the kept pairs. */
  public static int[] keep(double[] scores, double fraction) {
    if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("--keep must be in (0, 1], got " + fraction);
    int n = scores.length, k = (int) Math.round(fraction * n);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> Double.isNaN(scores[i]) ? Double.POSITIVE_INFINITY : -scores[i])
        .thenComparingInt(i -> i));
    int[] kept = new int[k];
    for (int i = 0; i < k; i++) kept[i] = order[i];
    Arrays.sort(kept);
    return kept;
  }

  public static double[] and(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) out[i] = Double.isNaN(a[i]) || Double.isNaN(b[i]) ? Double.NaN : Math.min(a[i], b[i]);
    return out;
  }

  public static double[] or(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) out[i] = Double.isNaN(a[i]) ? b[i] : Double.isNaN(b[i]) ? a[i] : Math.max(a[i], b[i]);
    return out;
  }

  /**
   * DataComp's basic filter in spirit: 1 when the caption has 2-40 words, at least 80% of its
   * characters are lower-case letters or spaces (an English-language proxy) and it is not a file
   * name; else 0. At a fixed fraction the passing pairs are kept in pool order.
   */
  public static double basic(String caption) {
    String t = caption.trim();
    String[] words = t.split("\\s+");
    if (words.length < 2 || words.length > 40) return 0;
    long ok = t.chars().filter(c -> (c >= 'a' && c <= 'z') || c == ' ' || c == ',').count();
    if (ok < 0.8 * t.length()) return 0;
    if (t.toLowerCase(Locale.ROOT).matches(".*\\.(jpg|jpeg|png|gif)\\b.*") || t.matches("(?i).*\\b(img|dsc)_?\\d+.*")) return 0;
    return 1;
  }

  /** Pearson correlation (NaN entries dropped pairwise). */
  public static double pearson(double[] x, double[] y) {
    double[][] xy = finite(x, y);
    double mx = Arrays.stream(xy[0]).average().orElse(0), my = Arrays.stream(xy[1]).average().orElse(0), sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < xy[0].length; i++) {
      double a = xy[0][i] - mx, b = xy[1][i] - my;
      sxy += a * b;
      sxx += a * a;
      syy += b * b;
    }
    return sxx == 0 || syy == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
  }

  /** Spearman correlation: Pearson of the average ranks. */
  public static double spearman(double[] x, double[] y) {
    double[][] xy = finite(x, y);
    return pearson(ranks(xy[0]), ranks(xy[1]));
  }

  static double[] ranks(double[] v) {
    Integer[] o = new Integer[v.length];
    for (int i = 0; i < v.length; i++) o[i] = i;
    Arrays.sort(o, Comparator.comparingDouble(i -> v[i]));
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; ) {
      int j = i;
      while (j + 1 < v.length && v[o[j + 1]] == v[o[i]]) j++;
      for (int k = i; k <= j; k++) r[o[k]] = (i + j) / 2.0 + 1;
      i = j + 1;
    }
    return r;
  }

  private static double[][] finite(double[] x, double[] y) {
    List<double[]> keep = new ArrayList<>();
    for (int i = 0; i < x.length; i++) if (!Double.isNaN(x[i]) && !Double.isNaN(y[i])) keep.add(new double[] {x[i], y[i]});
    double[][] out = new double[2][keep.size()];
    for (int i = 0; i < keep.size(); i++) {
      out[0][i] = keep.get(i)[0];
      out[1][i] = keep.get(i)[1];
    }
    return out;
  }
}
