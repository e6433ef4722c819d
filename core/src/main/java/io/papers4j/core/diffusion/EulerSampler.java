package io.papers4j.core.diffusion;

import io.papers4j.core.tensor.NativeExit;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Euler integration of the flow ODE dz/dt = v(z, t) from σ₀ = 1 (noise) down a σ grid to 0:
 *
 * <pre>z ← z + (σ_{i+1} − σ_i)·v(z, σ_i)</pre>
 *
 * which is diffusers' {@code FlowMatchEulerDiscreteScheduler.step}. First order: the error at t = 0
 * falls like 1/steps.
 */
public final class EulerSampler {
  private EulerSampler() {}

  /** A velocity field, e.g. a network with guidance applied; t is the current σ for the batch. */
  @FunctionalInterface
  public interface VelocityField {
    Tensor velocity(Tensor z, double t);
  }

  /** Integrates from {@code z1} (noise at σ = sigmas[0]) along {@code sigmas}; returns z at the last σ. */
  public static Tensor sample(VelocityField field, Tensor z1, double[] sigmas) {
    if (sigmas.length < 2) throw new IllegalArgumentException("a sigma grid needs at least two entries");
    Tensor z = z1;
    for (int i = 0; i + 1 < sigmas.length; i++) {
      try (NativeExit.Step gate = NativeExit.step()) { // a stopped JVM exits between steps
        Tensor v = field.velocity(z, sigmas[i]);
        z = z.add(v.mul(new Scalar(sigmas[i + 1] - sigmas[i])));
      }
    }
    return z;
  }
}
