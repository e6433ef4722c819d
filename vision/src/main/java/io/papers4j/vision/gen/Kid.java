package io.papers4j.vision.gen;

import java.util.Random;
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
 * hundred. Computed in float64.
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

  /** The unbiased MMD² between all rows of x (M, D) and y (N, D), M, N ≥ 2. */
  public static double mmd2(Tensor x, Tensor y) {
    check(x, y);
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
      v[s] = mmd2(x.index_select(0, torch.tensor(xIdx[s])), y.index_select(0, torch.tensor(yIdx[s])));
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
