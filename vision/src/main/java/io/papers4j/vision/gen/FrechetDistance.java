package io.papers4j.vision.gen;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The Fréchet distance between two Gaussians fitted to feature matrices (the quantity FID computes
 * on Inception features; here on the features of a classifier trained in this project, so reports
 * call it "FD-&lt;dataset&gt;", never "FID"):
 *
 * <pre>
 * FD = |μ₁ − μ₂|² + Tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½)
 * </pre>
 *
 * <p>Σ₁^½ Σ₂ Σ₁^½ is symmetric positive semi-definite and has the same eigenvalues as Σ₁Σ₂, so the
 * trace term equals scipy's {@code Tr(sqrtm(Σ₁Σ₂))} used by pytorch-fid; both square roots are
 * taken by symmetric eigendecomposition (negative round-off eigenvalues clamped to 0). Everything is
 * computed in float64; covariances are unbiased (divide by N − 1, as numpy's {@code np.cov}).
 */
public final class FrechetDistance {
  private FrechetDistance() {}

  /** Mean (D) and covariance (D, D) of N feature vectors, float64. */
  public record Moments(Tensor mean, Tensor covariance, long count) {
    public long dim() {
      return mean.size(0);
    }
  }

  /** Moments of the rows of {@code features} (N, D), N ≥ 2. */
  public static Moments moments(Tensor features) {
    if (features.dim() != 2) throw new IllegalArgumentException("features must be (N, D), got " + features.dim() + " dimensions");
    long n = features.size(0);
    if (n < 2) throw new IllegalArgumentException("need at least 2 feature vectors for a covariance, got " + n);
    Tensor x = features.to(torch.ScalarType.Double); // (N, D)
    if (!torch.isfinite(x).all().item_bool()) throw new IllegalArgumentException("features contain NaN or infinity");
    Tensor mean = x.mean(0); // (D)
    Tensor c = x.sub(mean); // (N, D)
    Tensor cov = c.t().matmul(c).div(new Scalar((double) (n - 1))); // (D, D)
    return new Moments(mean, cov, n);
  }

  /** FD between the Gaussians fitted to the rows of {@code x} (N, D) and {@code y} (M, D). */
  public static double between(Tensor x, Tensor y) {
    return of(moments(x), moments(y));
  }

  /** FD between two Gaussians given by their moments. */
  public static double of(Moments a, Moments b) {
    if (a.dim() != b.dim()) throw new IllegalArgumentException("feature dimensions differ: " + a.dim() + " vs " + b.dim());
    return of(a.mean(), a.covariance(), b.mean(), b.covariance());
  }

  /** FD between N(mu1, s1) and N(mu2, s2); means (D), covariances (D, D), any float dtype. */
  public static double of(Tensor mu1, Tensor s1, Tensor mu2, Tensor s2) {
    Tensor m1 = mu1.to(torch.ScalarType.Double), m2 = mu2.to(torch.ScalarType.Double);
    Tensor c1 = symmetric(s1.to(torch.ScalarType.Double)), c2 = symmetric(s2.to(torch.ScalarType.Double));
    double meanTerm = m1.sub(m2).pow(new Scalar(2.0)).sum().item_double();
    Tensor r1 = sqrtPsd(c1); // Σ₁^½ (D, D)
    Tensor inner = symmetric(r1.matmul(c2).matmul(r1)); // Σ₁^½ Σ₂ Σ₁^½ (D, D)
    double traceSqrt = eigenvalues(inner).clamp_min(new Scalar(0.0)).sqrt().sum().item_double();
    double fd = meanTerm + c1.trace().item_double() + c2.trace().item_double() - 2 * traceSqrt;
    return Math.max(fd, 0.0); // round-off can make identical moments a tiny negative number
  }

  /** The symmetric positive semi-definite square root V diag(√max(λ, 0)) Vᵀ of a symmetric matrix. */
  static Tensor sqrtPsd(Tensor s) {
    T_TensorTensor_T eig = torch.linalg_eigh(s, "L");
    Tensor values = eig.get0().clamp_min(new Scalar(0.0)).sqrt(); // (D)
    Tensor vectors = eig.get1(); // (D, D), columns are eigenvectors
    return vectors.mul(values.unsqueeze(0)).matmul(vectors.t());
  }

  private static Tensor eigenvalues(Tensor s) {
    return torch.linalg_eigvalsh(s, "L");
  }

  private static Tensor symmetric(Tensor s) {
    if (s.dim() != 2 || s.size(0) != s.size(1)) throw new IllegalArgumentException("covariance must be square (D, D)");
    return s.add(s.t()).mul(new Scalar(0.5));
  }
}
