package io.papers4j.core.diffusion;

import java.util.SplittableRandom;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Classifier-free guidance (Ho and Salimans 2022): train with the condition replaced by a "null"
 * condition with probability p, then sample with
 *
 * <pre>v = v_uncond + w·(v_cond − v_uncond)</pre>
 *
 * w = 1 is the plain conditional model, w = 0 the unconditional one.
 */
public final class Guidance {
  private Guidance() {}

  /** Combines an unconditional and a conditional prediction with scale w. */
  public static Tensor combine(Tensor uncond, Tensor cond, double w) {
    if (w == 1.0) return cond;
    return uncond.add(cond.sub(uncond).mul(new Scalar(w)));
  }

  /**
   * A network with a conditional and a null input, as one {@link EulerSampler.VelocityField}. For
   * w = 1 only the conditional branch is evaluated.
   */
  public static EulerSampler.VelocityField guided(
      EulerSampler.VelocityField conditional, EulerSampler.VelocityField unconditional, double w) {
    if (w == 1.0) return conditional;
    return (z, t) -> combine(unconditional.velocity(z, t), conditional.velocity(z, t), w);
  }

  /** The same for a {@link DdimSampler.Denoiser} (ε, v or x₀ output): guidance is linear in each. */
  public static DdimSampler.Denoiser guidedDenoiser(
      DdimSampler.Denoiser conditional, DdimSampler.Denoiser unconditional, double w) {
    if (w == 1.0) return conditional;
    return (x, t) -> combine(unconditional.output(x, t), conditional.output(x, t), w);
  }

  /**
   * Condition dropout for training: true for each of n examples with probability p, meaning "use the
   * null condition for this example".
   */
  public static boolean[] dropMask(int n, double p, SplittableRandom rng) {
    if (p < 0 || p > 1) throw new IllegalArgumentException("condition dropout must be in [0, 1], got " + p);
    boolean[] drop = new boolean[n];
    for (int i = 0; i < n; i++) drop[i] = rng.nextDouble() < p;
    return drop;
  }
}
