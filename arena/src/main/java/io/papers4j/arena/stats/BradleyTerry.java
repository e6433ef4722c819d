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
 * <p>Optional weak prior ({@code l2} = λ &gt; 0): the fit minimises the negative log-likelihood plus
 * λ·Σ(ξ_i − ξ̄)², i.e. the posterior mode under independent N(0, 1/(2λ)) priors on the centred
 * strengths. The penalty keeps every strength finite when a model never loses or the data are thin
 * (one vote, perfect separation, a disconnected battle graph). With λ = 0 (the default and {@link
 * #DEFAULT}) no penalty term is evaluated at all, so the fit is the plain MLE bit for bit.
 *
 * @param maxIter Newton steps (100, FastChat's L-BFGS cap)
 * @param tol gradient tolerance in log-likelihood units per battle (1e-13: Newton converges
 *     quadratically, so this costs one or two extra steps and makes the fit order-free to ~1e-9)
 * @param l2 prior strength λ in nat⁻² (0: none, the MLE)
 */
public record BradleyTerry(int maxIter, double tol, double l2) {

  public static final BradleyTerry DEFAULT = new BradleyTerry(100, 1e-13);

  public BradleyTerry {
    if (!(l2 >= 0) || Double.isInfinite(l2)) throw new IllegalArgumentException("BT prior l2 must be finite and >= 0, got " + l2);
  }

  /** The MLE without prior. */
  public BradleyTerry(int maxIter, double tol) {
    this(maxIter, tol, 0);
  }

  /** The same solver with prior strength λ = {@code l2}. */
  public BradleyTerry withL2(double l2) {
    return new BradleyTerry(maxIter, tol, l2);
  }

  /** Natural-log strengths with Σξ = 0, one per model of {@code pc.models}. */
  public double[] fit(PairCounts pc) {
    return fit(pc, null);
  }

  /**
   * Same, with Newton started from {@code start} (any shift; null = all zero). A bootstrap round
   * starts from the full-data fit, which is already close, so it needs fewer steps; the optimum
   * (the likelihood is strictly concave on Σξ = 0 when the battle graph is connected) is the same.
   *
   * <p>The triples are first reduced to their sufficient statistics per unordered pair i &lt; j:
   * total weight W_ij and i's weighted score S_ij = Σ w·y (from i's side). With d = ξ_i − ξ_j the
   * pair's negative log-likelihood is (W − S)·d − W·log σ(d), its gradient W·σ(d) − S, its Hessian
   * W·σ(d)(1 − σ(d)), so a Newton step costs one exponential per pair instead of per triple, and
   * one pass gives gradient and Hessian together.
   */
  public double[] fit(PairCounts pc, double[] start) {
    int m = pc.models.size();
    double[] xi = new double[m];
    if (m < 2) return xi;
    Pairs p = Pairs.of(pc);
    double total = 0;
    for (double v : p.w) total += v;
    if (total <= 0) return xi;
    if (start != null) {
      if (start.length != m) throw new IllegalArgumentException("start has " + start.length + " strengths, need " + m);
      for (int i = 0; i < m; i++) xi[i] = start[i] - start[0];
    }
    double f = objective(p, xi);
    double[] g = new double[m];
    double[][] h = new double[m][m];
    for (int it = 0; it < maxIter; it++) {
      p.gradientAndHessian(xi, g, h);
      if (l2 > 0) addPrior(xi, g, h);
      double gmax = 0;
      for (int i = 1; i < m; i++) gmax = Math.max(gmax, Math.abs(g[i]));
      if (gmax / total < tol) break;
      double[][] hr = new double[m - 1][m - 1];
      double[] gr = new double[m - 1];
      double scale = 0;
      for (int i = 1; i < m; i++) scale = Math.max(scale, h[i][i]);
      double ridge = 1e-9 * Math.max(scale, 1e-12);
      for (int i = 1; i < m; i++) {
        gr[i - 1] = -g[i];
        System.arraycopy(h[i], 1, hr[i - 1], 0, m - 1);
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
        fNext = objective(p, next);
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

  private double objective(Pairs p, double[] xi) {
    double f = p.negLogLik(xi);
    if (l2 > 0) {
      double mean = Arrays.stream(xi).average().orElse(0);
      double ss = 0;
      for (double v : xi) ss += (v - mean) * (v - mean);
      f += l2 * ss;
    }
    return f;
  }

  /** Adds the prior's gradient 2λ(ξ_i − ξ̄) and Hessian 2λ(δ_ij − 1/m). */
  private void addPrior(double[] xi, double[] g, double[][] h) {
    int m = xi.length;
    double mean = Arrays.stream(xi).average().orElse(0);
    for (int i = 0; i < m; i++) {
      g[i] += 2 * l2 * (xi[i] - mean);
      for (int j = 0; j < m; j++) h[i][j] += 2 * l2 * ((i == j ? 1.0 : 0.0) - 1.0 / m);
    }
  }

  /**
   * Laplace (normal) approximation of the posterior standard deviation of each centred strength at
   * the fit {@code xi}: the diagonal of the pseudo-inverse of the penalised Hessian H (whose null
   * space is the all-ones shift), computed as (H + 11ᵀ/m)⁻¹ − 11ᵀ/m. Needs λ &gt; 0 (or a connected
   * battle graph), otherwise H is singular beyond the shift.
   */
  public double[] posteriorSd(PairCounts pc, double[] xi) {
    int m = xi.length;
    double[][] h = hessian(pc, xi);
    for (int i = 0; i < m; i++)
      for (int j = 0; j < m; j++) h[i][j] += 2 * l2 * ((i == j ? 1.0 : 0.0) - 1.0 / m) + 1.0 / m;
    double[][] inv = Linalg.inverse(h);
    double[] sd = new double[m];
    for (int i = 0; i < m; i++) sd[i] = Math.sqrt(Math.max(0, inv[i][i] - 1.0 / m));
    return sd;
  }

  /** Per unordered pair i &lt; j: total weight w and i's weighted score s. */
  private record Pairs(int[] i, int[] j, double[] w, double[] s) {
    static Pairs of(PairCounts pc) {
      int m = pc.models.size();
      java.util.Map<Long, Integer> slot = new java.util.HashMap<>();
      int[] dense = m <= 2000 ? new int[m * m] : null;
      if (dense != null) Arrays.fill(dense, -1);
      int n = 0;
      int[] pi = new int[pc.size()], pj = new int[pc.size()];
      double[] pw = new double[pc.size()], ps = new double[pc.size()];
      for (int t = 0; t < pc.size(); t++) {
        int a = pc.a[t], b = pc.b[t];
        int lo = Math.min(a, b), hi = Math.max(a, b);
        int k;
        if (dense != null) {
          k = dense[lo * m + hi];
          if (k < 0) k = dense[lo * m + hi] = n++;
        } else {
          k = slot.computeIfAbsent(((long) lo << 32) | hi, x -> slot.size());
          n = Math.max(n, k + 1);
        }
        pi[k] = lo;
        pj[k] = hi;
        pw[k] += pc.w[t];
        ps[k] += pc.w[t] * (a == lo ? pc.y[t] : 1 - pc.y[t]);
      }
      return new Pairs(Arrays.copyOf(pi, n), Arrays.copyOf(pj, n), Arrays.copyOf(pw, n), Arrays.copyOf(ps, n));
    }

    double negLogLik(double[] xi) {
      double f = 0;
      for (int k = 0; k < w.length; k++) {
        double d = xi[i[k]] - xi[j[k]];
        f += (w[k] - s[k]) * d - w[k] * logSigmoid(d);
      }
      return f;
    }

    void gradientAndHessian(double[] xi, double[] g, double[][] h) {
      Arrays.fill(g, 0);
      for (double[] row : h) Arrays.fill(row, 0);
      for (int k = 0; k < w.length; k++) {
        int a = i[k], b = j[k];
        double p = sigmoid(xi[a] - xi[b]);
        double r = w[k] * p - s[k];
        double v = w[k] * p * (1 - p);
        g[a] += r;
        g[b] -= r;
        h[a][a] += v;
        h[b][b] += v;
        h[a][b] -= v;
        h[b][a] -= v;
      }
    }
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
