package io.papers4j.core.optim;

import java.util.Collection;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/** Gradient clipping by global norm, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradClip {
  private GradClip() {}

  /**
   * Scales all gradients by {@code min(1, maxNorm / (‖g‖ + 1e-6))} where ‖g‖ is the L2 norm of all
   * gradients concatenated. Parameters without a gradient are skipped.
   *
   * @return ‖g‖ before clipping (log it: spikes show instability)
   */
  public static double clipGlobalNorm(Collection<Tensor> params, double maxNorm) {
    if (!(maxNorm > 0)) throw new IllegalArgumentException("max grad norm must be > 0, got " + maxNorm);
    double total = globalNorm(params);
    double coef = maxNorm / (total + 1e-6);
    if (coef < 1) {
      try (NoGradGuard noGrad = new NoGradGuard()) {
        for (Tensor p : params) {
          Tensor g = p.grad();
          if (g.defined()) g.mul_(new Scalar(coef));
        }
      }
    }
    return total;
  }

  /** ‖g‖₂ over all gradients (accumulated in double). */
  public static double globalNorm(Collection<Tensor> params) {
    double sq = 0;
    for (Tensor p : params) {
      Tensor g = p.grad();
      if (!g.defined()) continue;
      double n = g.norm().item_double();
      sq += n * n;
    }
    return Math.sqrt(sq);
  }
}
