package io.papers4j.lm.shortgpt;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Spearman rank correlation with average ranks for ties. */
final class Spearman {
  private Spearman() {}

  static double rho(double[] x, double[] y) {
    if (x.length != y.length || x.length < 2) throw new IllegalArgumentException("need two equal-length samples of >= 2");
    return pearson(ranks(x), ranks(y));
  }

  static double[] ranks(double[] v) {
    Integer[] idx = IntStream.range(0, v.length).boxed().toArray(Integer[]::new);
    Arrays.sort(idx, Comparator.comparingDouble(i -> v[i]));
    double[] r = new double[v.length];
    for (int i = 0; i < idx.length; ) {
      int j = i;
      while (j + 1 < idx.length && v[idx[j + 1]] == v[idx[i]]) j++;
      double avg = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) r[idx[k]] = avg;
      i = j + 1;
    }
    return r;
  }

  private static double pearson(double[] a, double[] b) {
    double ma = Arrays.stream(a).average().orElse(0);
    double mb = Arrays.stream(b).average().orElse(0);
    double sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }
}
