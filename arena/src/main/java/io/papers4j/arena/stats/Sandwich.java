package io.papers4j.arena.stats;

import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The paper's reweighted Bradley-Terry fit with Huber-White (sandwich) intervals (§5, App. A).
 *
 * <pre>
 *   P(H_t = 1) = σ(ξ_{m′} − ξ_m),  ξ_ref = 0
 *   ŝ = argmin Σ_t w_t ℓ(H_t, σ(x_tᵀξ)),  w_t = 1/P(A_t),  x_t = e_{m′} − e_m (ref column dropped)
 *   B = (1/T) Σ w_t p̂_t(1−p̂_t) x_t x_tᵀ,   M = (1/T) Σ w_t² (H_t − p̂_t)² x_t x_tᵀ,   V̂ = B⁻¹ M B⁻¹
 *   uncorrected:  ξ̂_m ± z_{1−α/2} √(V̂_mm / T)
 *   corrected:    ξ̂_m ± √(χ²_{1−α, M−1} V̂_mm / T)     (projection of the χ² confidence ellipsoid)
 * </pre>
 *
 * Input is a {@link PairCounts} whose triple (a, b, y) reads "a is the second model m′, b the first,
 * y = H", with w and w² the sums of 1/P over the triple's votes (w = count for uniform weights).
 */
public final class Sandwich {
  private Sandwich() {}

  /**
   * Estimates, with strengths relative to {@code ref} (ξ_ref = 0) and their standard errors.
   *
   * @param xi natural-log strengths, ξ_ref = 0
   * @param se standard errors √(V̂_mm/T); 0 for the reference
   * @param votes T
   */
  public record Fit(ModelIndex models, int ref, double[] xi, double[] se, double votes) {

    public double[] lower(double halfWidthFactor) {
      double[] lo = new double[xi.length];
      for (int i = 0; i < lo.length; i++) lo[i] = xi[i] - halfWidthFactor * se[i];
      return lo;
    }

    public double[] upper(double halfWidthFactor) {
      double[] hi = new double[xi.length];
      for (int i = 0; i < hi.length; i++) hi[i] = xi[i] + halfWidthFactor * se[i];
      return hi;
    }

    /** z_{1−α/2}: the per-model (uncorrected) factor. */
    public static double uncorrectedFactor(double alpha) {
      return new NormalDistribution().inverseCumulativeProbability(1 - alpha / 2);
    }

    /** √χ²_{1−α, M−1}: the simultaneous (multiplicity-corrected) factor. */
    public double correctedFactor(double alpha) {
      return Math.sqrt(
          new ChiSquaredDistribution(null, xi.length - 1).inverseCumulativeProbability(1 - alpha));
    }
  }

  public static Fit fit(PairCounts pc, int ref, BradleyTerry bt) {
    int m = pc.models.size();
    double[] xi = bt.fit(pc);
    double shift = xi[ref];
    for (int i = 0; i < m; i++) xi[i] -= shift;
    double t = pc.battles();
    // map model index → column of the reduced design (ref dropped)
    int[] col = new int[m];
    for (int i = 0, c = 0; i < m; i++) col[i] = i == ref ? -1 : c++;
    double[][] bread = new double[m - 1][m - 1];
    double[][] meat = new double[m - 1][m - 1];
    for (int k = 0; k < pc.size(); k++) {
      double p = BradleyTerry.sigmoid(xi[pc.a[k]] - xi[pc.b[k]]);
      double vb = pc.w[k] * p * (1 - p) / t;
      double r = pc.y[k] - p;
      double vm = pc.w2[k] * r * r / t;
      addOuter(bread, col[pc.a[k]], col[pc.b[k]], vb);
      addOuter(meat, col[pc.a[k]], col[pc.b[k]], vm);
    }
    double[][] bInv = Linalg.inverse(bread);
    double[][] v = Linalg.multiply(Linalg.multiply(bInv, meat), bInv);
    double[] se = new double[m];
    for (int i = 0; i < m; i++) if (col[i] >= 0) se[i] = Math.sqrt(Math.max(0, v[col[i]][col[i]] / t));
    return new Fit(pc.models, ref, xi, se, t);
  }

  /** Adds v·(e_i − e_j)(e_i − e_j)ᵀ where an index of −1 (the reference) is dropped. */
  private static void addOuter(double[][] mat, int i, int j, double v) {
    if (i >= 0) mat[i][i] += v;
    if (j >= 0) mat[j][j] += v;
    if (i >= 0 && j >= 0) {
      mat[i][j] -= v;
      mat[j][i] -= v;
    }
  }
}
