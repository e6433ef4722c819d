package io.papers4j.arena.stats;

import java.util.Arrays;

/**
 * Bradley-Terry maximum likelihood with ties as half wins (FastChat {@code compute_elo_mle_with_tie}
 * and the 2024-09 {@code rating_systems.py}).
 *
 * <p>Strengths ξ are natural-log odds: P(a beats b) = σ(ξ_a − ξ_b). A triple (a, b, y) with weight w
 * contributes {@code −w [y log σ(ξ_a − ξ_b) + (1−y) log σ(ξ_b − ξ_a)]} to the negative
 * log-likelihood; ties enter with y = 0.5, which equals FastChat's doubled-weight trick. The
 * likelihood is invariant to adding a constant to ξ, so the fit holds ξ_0 = 0 while solving and
 * returns ξ centred to Σξ = 0 (what a gradient method started at 0 keeps, and what FastChat's
 * unanchored ratings mean: mean rating 1000).
 *
 * <p>Solver: Newton's method on the M−1 free strengths with a backtracking line search, stopping at
 * max |gradient| &lt; {@code tol} or after {@code maxIter} steps. A tiny ridge (1e-9 × the Hessian
 * scale) keeps the step defined when the battle graph is not connected or a model never loses; such
 * strengths then stop growing only at {@code maxIter}, as with FastChat's capped L-BFGS.
 *
 * @param maxIter Newton steps (100, FastChat's L-BFGS cap)
 * @param tol gradient tolerance in log-likelihood units per battle (1e-13: Newton converges
 *     quadratically, so this costs one or two extra steps and makes the fit order-free to ~1e-9)
 */
public record BradleyTerry(int maxIter, double tol) {

  public static final BradleyTerry DEFAULT = new BradleyTerry(100, 1e-13);

  /** Natural-log strengths with Σξ = 0, one per model of {@code pc.models}. */
  public double[] fit(PairCounts pc) {
    int m = pc.models.size();
    double[] xi = new double[m];
    if (m < 2) return xi;
    double total = 0;
    for (double v : pc.w) total += v;
    if (total <= 0) return xi;
    double f = negLogLik(pc, xi);
    for (int it = 0; it < maxIter; it++) {
      double[] g = gradient(pc, xi);
      double gmax = 0;
      for (int i = 1; i < m; i++) gmax = Math.max(gmax, Math.abs(g[i]));
      if (gmax / total < tol) break;
      double[][] h = hessian(pc, xi);
      double[][] hr = new double[m - 1][m - 1];
      double[] gr = new double[m - 1];
      double scale = 0;
      for (int i = 1; i < m; i++) scale = Math.max(scale, h[i][i]);
      double ridge = 1e-9 * Math.max(scale, 1e-12);
      for (int i = 1; i < m; i++) {
        gr[i - 1] = -g[i];
        for (int j = 1; j < m; j++) hr[i - 1][j - 1] = h[i][j];
        hr[i - 1][i - 1] += ridge;
      }
      double[] d = Linalg.solve(hr, gr);
      double slope = 0;
      for (int i = 1; i < m; i++) slope += g[i] * d[i - 1];
      double step = 1;
      double[] next = new double[m];
      double fNext;
      while (true) {
        for (int i = 1; i < m; i++) next[i] = xi[i] + step * d[i - 1];
        fNext = negLogLik(pc, next);
        // the last term absorbs rounding in f near the optimum, where Newton steps are tiny
        if (fNext <= f + 1e-4 * step * slope + 1e-13 * Math.abs(f) || step < 1e-12) break;
        step /= 2;
      }
      if (step < 1e-12 && !(fNext < f)) break; // no further progress possible in floating point
      System.arraycopy(next, 0, xi, 0, m);
      f = fNext;
    }
    return centred(xi);
  }

  /** Shifts ξ to Σξ = 0. */
  static double[] centred(double[] xi) {
    double mean = Arrays.stream(xi).average().orElse(0);
    double[] out = xi.clone();
    for (int i = 0; i < out.length; i++) out[i] -= mean;
    return out;
  }

  /** Negative weighted log-likelihood −Σ w [y log σ(d) + (1−y) log σ(−d)], d = ξ_a − ξ_b. */
  public static double negLogLik(PairCounts pc, double[] xi) {
    double f = 0;
    for (int t = 0; t < pc.size(); t++) {
      double d = xi[pc.a[t]] - xi[pc.b[t]];
      f -= pc.w[t] * (pc.y[t] * logSigmoid(d) + (1 - pc.y[t]) * logSigmoid(-d));
    }
    return f;
  }

  /** Gradient of {@link #negLogLik}: ∂/∂ξ_a = w (σ(d) − y), ∂/∂ξ_b = −w (σ(d) − y). */
  public static double[] gradient(PairCounts pc, double[] xi) {
    double[] g = new double[xi.length];
    for (int t = 0; t < pc.size(); t++) {
      double r = pc.w[t] * (sigmoid(xi[pc.a[t]] - xi[pc.b[t]]) - pc.y[t]);
      g[pc.a[t]] += r;
      g[pc.b[t]] -= r;
    }
    return g;
  }

  /** Hessian of {@link #negLogLik}: w p(1−p) (e_a − e_b)(e_a − e_b)ᵀ summed over triples. */
  public static double[][] hessian(PairCounts pc, double[] xi) {
    int m = xi.length;
    double[][] h = new double[m][m];
    for (int t = 0; t < pc.size(); t++) {
      double p = sigmoid(xi[pc.a[t]] - xi[pc.b[t]]);
      double v = pc.w[t] * p * (1 - p);
      int a = pc.a[t], b = pc.b[t];
      h[a][a] += v;
      h[b][b] += v;
      h[a][b] -= v;
      h[b][a] -= v;
    }
    return h;
  }

  public static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  /** log σ(z) without overflow. */
  static double logSigmoid(double z) {
    return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
  }
}
