package io.papers4j.arena.stats;

import java.util.SplittableRandom;

/**
 * Exact multinomial and binomial variates for the triple bootstrap.
 *
 * <p>Multinomial(n, w/Σw) is drawn as k conditional binomials (numpy's {@code multinomial} does the
 * same): x_i ~ Binomial(n − Σ_{j<i} x_j, w_i / Σ_{j≥i} w_j). That costs O(k) binomial draws instead
 * of n categorical draws, so a bootstrap round over 1,000,000 battles that collapse to a few thousand
 * (a, b, outcome) triples costs a few thousand draws.
 *
 * <p>Binomial(n, p): for p &gt; ½ the count of failures is drawn instead; with n·p &lt; 10 by
 * inversion (walk the pmf from 0 using f(x+1)/f(x) = (n−x)/(x+1) · p/(1−p)); otherwise by
 * Hörmann's BTRS, transformed rejection with squeeze (W. Hörmann, "The generation of binomial
 * random variates", J. Statist. Comput. Simul. 46, 1993): a uniform u is mapped through the
 * hat function k = ⌊(2a/(½−|u|) + b) u + c⌋, about 86% of draws are accepted at once inside the
 * box, the rest are accepted when log(v · α / (a/us² + b)) lies below log f(k)/f(m) written with
 * Stirling's series.
 */
public final class Multinomial {
  private Multinomial() {}

  /**
   * Counts for n draws over categories with the given non-negative weights (not all zero).
   * Categories with zero weight get zero.
   */
  public static long[] sample(long n, double[] weights, SplittableRandom rng) {
    int k = weights.length;
    double[] tail = new double[k + 1]; // tail[i] = Σ_{j ≥ i} w_j
    for (int i = k - 1; i >= 0; i--) {
      if (!(weights[i] >= 0)) throw new IllegalArgumentException("weight " + i + " is negative or NaN: " + weights[i]);
      tail[i] = tail[i + 1] + weights[i];
    }
    if (!(tail[0] > 0)) throw new IllegalArgumentException("weights must not all be zero");
    long[] out = new long[k];
    long left = n;
    for (int i = 0; i < k && left > 0; i++) {
      if (weights[i] == 0) continue;
      // the last category with weight takes what is left (its conditional probability is 1)
      double p = tail[i + 1] <= 0 ? 1 : Math.min(1, weights[i] / tail[i]);
      long x = binomial(left, p, rng);
      out[i] = x;
      left -= x;
    }
    return out;
  }

  /** One Binomial(n, p) variate. */
  public static long binomial(long n, double p, SplittableRandom rng) {
    if (n < 0 || !(p >= 0 && p <= 1)) throw new IllegalArgumentException("binomial needs n ≥ 0 and 0 ≤ p ≤ 1, got n=" + n + ", p=" + p);
    if (n == 0 || p == 0) return 0;
    if (p == 1) return n;
    if (p > 0.5) return n - binomial(n, 1 - p, rng);
    if (n * p < 10) return inversion(n, p, rng);
    return btrs(n, p, rng);
  }

  private static long inversion(long n, double p, SplittableRandom rng) {
    double odds = p / (1 - p);
    double f0 = Math.exp(n * Math.log1p(-p)); // P(X = 0) = (1−p)^n ≥ e^{-14} here
    while (true) {
      double u = rng.nextDouble();
      double f = f0;
      long x = 0;
      while (u > f && x < n) {
        u -= f;
        f *= (n - x) * odds / (x + 1);
        x++;
      }
      if (u <= f) return x;
      // u left over from rounding in the pmf sum: draw again (probability ~1e-16)
    }
  }

  private static long btrs(long n, double p, SplittableRandom rng) {
    double spq = Math.sqrt(n * p * (1 - p));
    double b = 1.15 + 2.53 * spq;
    double a = -0.0873 + 0.0248 * b + 0.01 * p;
    double c = n * p + 0.5;
    double vr = 0.92 - 4.2 / b;
    double alpha = (2.83 + 5.1 / b) * spq;
    double lpq = Math.log(p / (1 - p));
    long m = (long) Math.floor((n + 1) * p); // the mode
    double hm = logFactorial(m) + logFactorial(n - m);
    while (true) {
      double u = rng.nextDouble() - 0.5;
      double v = rng.nextDouble();
      double us = 0.5 - Math.abs(u);
      long k = (long) Math.floor((2 * a / us + b) * u + c);
      if (k < 0 || k > n) continue;
      if (us >= 0.07 && v <= vr) return k; // inside the box under the hat: accept at once
      double lv = Math.log(v * alpha / (a / (us * us) + b));
      // log f(k)/f(m) = log m! + log (n−m)! − log k! − log (n−k)! + (k−m) log(p/q)
      double bound = hm - logFactorial(k) - logFactorial(n - k) + (k - m) * lpq;
      if (lv <= bound) return k;
    }
  }

  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
  private static final double[] SMALL_LOG_FACTORIAL = new double[16];

  static {
    for (int i = 1; i < SMALL_LOG_FACTORIAL.length; i++) SMALL_LOG_FACTORIAL[i] = SMALL_LOG_FACTORIAL[i - 1] + Math.log(i);
  }

  /**
   * log k!: exact sum for k &lt; 16, else Stirling's series (k+½) log k − k + ½ log 2π + 1/(12k) −
   * 1/(360k³) + 1/(1260k⁵), whose error is below 1/(1680 k⁷) &lt; 1e-11 at k = 16.
   */
  static double logFactorial(long k) {
    if (k < SMALL_LOG_FACTORIAL.length) return SMALL_LOG_FACTORIAL[(int) k];
    double x = k, x2 = x * x;
    return (x + 0.5) * Math.log(x) - x + HALF_LOG_2PI + (1.0 / 12 - (1.0 / 360 - 1.0 / (1260 * x2)) / x2) / x;
  }
}
