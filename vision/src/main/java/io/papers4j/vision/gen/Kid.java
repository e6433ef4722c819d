package io.papers4j.vision.gen;

import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Kernel distance (KID; Bińkowski et al. 2018) between two feature matrices: the unbiased estimate
 * of the squared maximum mean discrepancy with the cubic polynomial kernel k(x, y) = (xᵀy/d + 1)³,
 *
 * <pre>
 * MMD²_u = 1/(m(m−1)) Σ_{i≠j} k(xᵢ, xⱼ) + 1/(n(n−1)) Σ_{i≠j} k(yᵢ, yⱼ) − 2/(mn) Σ_{i,j} k(xᵢ, yⱼ)
 * </pre>
 *
 * averaged over random subsets of both sets (drawn without replacement, as clean-fid and
 * torchmetrics do). It is unbiased, so two samples of one distribution give 0 in expectation (a
 * single estimate can be slightly negative), and it is far less biased than FD when N is a few
 * hundred. Computed in float64; checked against numpy written as clean-fid's {@code
 * kernel_distance} ({@code tools/reference/kid_golden.py}).
 *
 * <p><b>Feature scale.</b> The kernel is not scale-free: features ×s move the kernel's cubic term by
 * s⁶ and its constant not at all. Inception's pool features, for which KID was made, sit near unit
 * scale; the evaluation classifier's post-ReLU features here have a mean squared entry |x|²/d ≈ 38
 * (Fashion-MNIST test images), so the raw kernel is ~1.5·10⁴ off the diagonal and ~8·10⁴ on it, the
 * cubic term swamps the mean and covariance terms, and the estimator's spread explodes: two disjoint
 * sets of 200 real test images gave −226 ± 191 (50 subsets), whole sets of 2,000 −18 ± 47.
 * {@link #normalisedOf} therefore divides both sets by one scalar, the real set's RMS entry
 * √(mean |x|²/d) ({@link #featureScale}); the same 2,000 vs 2,000 real images then give −0.0014. That
 * is what {@link Evaluator} reports as KID-&lt;dataset&gt;.
 *
 * <p><b>Overlap.</b> A set compared with itself (or with a subset of itself) is not two samples:
 * the cross sum then contains the diagonal k(xᵢ, xᵢ), which the within-set sums exclude, so
 * MMD²_u(X, X) = 2·(S_off/(m(m−1)) − (S_off + S_diag)/m²) &lt; 0, a bias, not noise (−71 for 2,000
 * real test images against themselves at the raw scale). A real-vs-real floor needs disjoint sets.
 *
 * <p>Each subset's kernels live in their own pointer scope: 50 subsets of 1,000 (the defaults) left
 * to the garbage collector held several GB of float64 temporaries per evaluation.
 */
public final class Kid {
  private Kid() {}

  /** Mean and standard deviation of MMD²_u over {@code subsets} subsets of {@code subsetSize}. */
  public record Estimate(double mean, double std, int subsets, int subsetSize) {}

  /** The cubic polynomial kernel matrix (xᵀy/d + 1)³ between rows of x (M, D) and y (N, D). */
  public static Tensor kernel(Tensor x, Tensor y) {
    long d = x.size(1);
    return x.matmul(y.t()).div(new Scalar((double) d)).add(new Scalar(1.0)).pow(new Scalar(3.0)); // (M, N)
  }

  /** The RMS entry √(mean over rows of |x|²/d) of a reference feature set (N, D): the scale KID's kernel sees. */
  public static double featureScale(Tensor reference) {
    if (reference.dim() != 2 || reference.size(0) < 1) throw new IllegalArgumentException("features must be a non-empty (N, D) matrix");
    double s = Math.sqrt(reference.to(torch.ScalarType.Double).pow(new Scalar(2.0)).mean().item_double());
    if (!(s > 0) || !Double.isFinite(s)) throw new IllegalArgumentException("reference features have RMS " + s + ": cannot normalise");
    return s;
  }

  /**
   * {@link #of} on both sets divided by {@link #featureScale} of {@code real}: invariant to any
   * rescaling of the feature extractor, with the kernel at the unit scale it was designed for.
   */
  public static Estimate normalisedOf(Tensor real, Tensor generated, int subsets, int subsetSize, long seed) {
    check(real, generated);
    Scalar s = new Scalar(featureScale(real));
    return of(real.to(torch.ScalarType.Double).div(s), generated.to(torch.ScalarType.Double).div(s), subsets, subsetSize, seed);
  }

  /** The unbiased MMD² between all rows of x (M, D) and y (N, D), M, N ≥ 2. */
  public static double mmd2(Tensor x, Tensor y) {
    check(x, y);
    try (PointerScope scope = new PointerScope()) { // three (M, N) float64 kernels and their temporaries per call
      Tensor a = x.to(torch.ScalarType.Double), b = y.to(torch.ScalarType.Double);
      long m = a.size(0), n = b.size(0);
      Tensor kxx = kernel(a, a); // (M, M)
      Tensor kyy = kernel(b, b); // (N, N)
      Tensor kxy = kernel(a, b); // (M, N)
      double xx = (kxx.sum().item_double() - kxx.diagonal().sum().item_double()) / (m * (m - 1.0));
      double yy = (kyy.sum().item_double() - kyy.diagonal().sum().item_double()) / (n * (n - 1.0));
      double xy = kxy.sum().item_double() / ((double) m * n);
      return xx + yy - 2 * xy;
    }
  }

  /**
   * KID over {@code subsets} random subsets of {@code subsetSize} rows of each set (capped at the
   * smaller set's size), drawn from {@code seed}. With {@code subsetSize} ≥ both sizes every subset
   * is the whole set.
   */
  public static Estimate of(Tensor x, Tensor y, int subsets, int subsetSize, long seed) {
    check(x, y);
    if (subsets < 1) throw new IllegalArgumentException("KID needs at least one subset, got " + subsets);
    if (subsetSize < 2) throw new IllegalArgumentException("KID subset size must be >= 2, got " + subsetSize);
    int size = (int) Math.min(subsetSize, Math.min(x.size(0), y.size(0)));
    Random rng = new Random(seed);
    long[][] xi = new long[subsets][], yi = new long[subsets][];
    for (int s = 0; s < subsets; s++) {
      xi[s] = sample((int) x.size(0), size, rng);
      yi[s] = sample((int) y.size(0), size, rng);
    }
    return overSubsets(x, y, xi, yi);
  }

  /** KID over given subsets: row indices {@code xIdx[s]} of x against {@code yIdx[s]} of y. */
  public static Estimate overSubsets(Tensor x, Tensor y, long[][] xIdx, long[][] yIdx) {
    check(x, y);
    if (xIdx.length == 0 || xIdx.length != yIdx.length) throw new IllegalArgumentException("need the same number (>= 1) of x and y subsets");
    int subsets = xIdx.length;
    double[] v = new double[subsets];
    for (int s = 0; s < subsets; s++) {
      try (PointerScope scope = new PointerScope()) {
        v[s] = mmd2(x.index_select(0, torch.tensor(xIdx[s])), y.index_select(0, torch.tensor(yIdx[s])));
      }
    }
    double mean = 0;
    for (double e : v) mean += e;
    mean /= subsets;
    double var = 0;
    for (double e : v) var += (e - mean) * (e - mean);
    double std = subsets > 1 ? Math.sqrt(var / (subsets - 1)) : 0.0;
    return new Estimate(mean, std, subsets, xIdx[0].length);
  }

  /** {@code k} distinct indices of {@code [0, n)} (a partial Fisher-Yates shuffle). */
  static long[] sample(int n, int k, Random rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    long[] out = new long[k];
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(n - i);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
      out[i] = p[i];
    }
    return out;
  }

  private static void check(Tensor x, Tensor y) {
    if (x.dim() != 2 || y.dim() != 2) throw new IllegalArgumentException("features must be (N, D) matrices");
    if (x.size(1) != y.size(1)) throw new IllegalArgumentException("feature dimensions differ: " + x.size(1) + " vs " + y.size(1));
    if (x.size(0) < 2 || y.size(0) < 2) throw new IllegalArgumentException("KID needs at least 2 feature vectors per set");
  }
}
