package io.papers4j.core.diffusion;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The forward process of the generic diffusion trainer (one training step for every process):
 *
 * <pre>t ~ TimeSampler, ε ~ N(0, I);  x_t = noised(x₀, ε, t);  loss = ‖model(x_t, modelTime(t)) − target(x₀, ε, t)‖²</pre>
 *
 * <p>t is always a fraction in [0, 1] of the way from data (0) to noise (1), so the same {@link
 * TimeSampler}s serve every process; {@link #modelTime} turns it into what the network is
 * conditioned on (1000·σ for rectified flow, the discrete timestep index for DDPM). The three {@code
 * to…} methods turn a model output back into the clean sample x̂₀, the noise ε̂ or the process's
 * velocity, so samplers, guidance and losses in another parameterisation need no knowledge of what
 * the network predicts.
 *
 * <p>Shapes: x₀, ε, x_t and model outputs (B, …) alike; t (B) in [0, 1].
 */
public interface DiffusionProcess {
  /** Short name as reports write it ({@code rf}, {@code eps/linear}, {@code v/cos}, …). */
  String name();

  /** The model input x_t. */
  Tensor noised(Tensor x0, Tensor noise, Tensor t);

  /** The regression target of the model output at (x₀, ε, t). */
  Tensor target(Tensor x0, Tensor noise, Tensor t);

  /** The conditioning time the network sees, (B), float. */
  Tensor modelTime(Tensor t);

  /** x̂₀ from a model output at x_t. */
  Tensor toX0(Tensor xt, Tensor output, Tensor t);

  /** ε̂ from a model output at x_t. */
  Tensor toEps(Tensor xt, Tensor output, Tensor t);

  /**
   * The velocity from a model output: dx_t/dt = ε − x₀ for rectified flow, v = √ᾱ·ε − √(1−ᾱ)·x₀
   * (Salimans and Ho's v) for variance-preserving processes.
   */
  Tensor toVelocity(Tensor xt, Tensor output, Tensor t);

  /** Mean-squared error of a model output against {@link #target}, averaged over every element. */
  default Tensor loss(Tensor output, Tensor x0, Tensor noise, Tensor t) {
    return output.sub(target(x0, noise, t)).pow(new Scalar(2)).mean();
  }
}
