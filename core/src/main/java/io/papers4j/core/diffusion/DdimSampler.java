package io.papers4j.core.diffusion;

import io.papers4j.core.tensor.NativeExit;
import java.util.Locale;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * Deterministic DDIM (Song et al. 2021, η = 0) for ε-, v- or x₀-prediction models of a {@link
 * VariancePreserving} process, stepping as diffusers' {@code DDIMScheduler.step}:
 *
 * <pre>x̂₀, ε̂ from the model output at timestep τ;  τ' = τ − ⌊N/steps⌋
 * x_{τ'} = √ᾱ_{τ'}·x̂₀ + √(1 − ᾱ_{τ'})·ε̂,   ᾱ_{τ'<0} = 1 (set_alpha_to_one) or ᾱ_0</pre>
 *
 * <p>Any step count; the timesteps are spaced like diffusers' {@code timestep_spacing}: {@link
 * Spacing#LEADING} (⌊N/steps⌋·k + offset, the default; Stable Diffusion uses offset 1), {@link
 * Spacing#TRAILING} (round(N − k·N/steps) − 1, starts at N − 1, what zero-terminal-SNR models need)
 * and {@link Spacing#LINSPACE} (round(linspace(0, N − 1, steps))). {@link #step} does not clip x̂₀;
 * {@link #clippedStep} does, for models of bounded data (pixels in [−1, 1]).
 */
public final class DdimSampler {
  private DdimSampler() {}

  /** The network (with guidance applied if any) at a discrete timestep; returns its raw output. */
  @FunctionalInterface
  public interface Denoiser {
    Tensor output(Tensor x, int timestep);
  }

  public enum Spacing {
    LEADING,
    TRAILING,
    LINSPACE;

    public static Spacing parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown timestep spacing '" + s + "' (expected leading, trailing or linspace)");
      }
    }
  }

  /**
   * @param spacing how the timesteps are chosen
   * @param stepsOffset added to leading timesteps (diffusers' {@code steps_offset}; 1 for Stable Diffusion)
   * @param setAlphaToOne the step after the last timestep uses ᾱ = 1 (a clean x̂₀) rather than ᾱ_0
   */
  public record Options(Spacing spacing, int stepsOffset, boolean setAlphaToOne) {
    public Options {
      if (spacing == null) throw new IllegalArgumentException("spacing is required");
      if (stepsOffset < 0) throw new IllegalArgumentException("steps_offset must be >= 0, got " + stepsOffset);
    }

    /** diffusers' {@code DDIMScheduler()} defaults: leading, offset 0, set_alpha_to_one. */
    public static Options diffusersDefault() {
      return new Options(Spacing.LEADING, 0, true);
    }

    /** Stable Diffusion's scheduler config: leading, offset 1, final ᾱ = ᾱ_0. */
    public static Options stableDiffusion() {
      return new Options(Spacing.LEADING, 1, false);
    }

    /** Trailing spacing ending on a clean x̂₀, for zero-terminal-SNR models (Lin et al. §3.3). */
    public static Options trailing() {
      return new Options(Spacing.TRAILING, 0, true);
    }
  }

  /** The descending timesteps diffusers' {@code set_timesteps} gives for {@code steps} of {@code trainTimesteps}. */
  public static int[] timesteps(int trainTimesteps, int steps, Options options) {
    if (steps < 1 || steps > trainTimesteps) {
      throw new IllegalArgumentException("DDIM needs 1 <= steps <= " + trainTimesteps + ", got " + steps);
    }
    int[] ts = new int[steps];
    switch (options.spacing()) {
      case LEADING -> {
        int ratio = trainTimesteps / steps;
        for (int k = 0; k < steps; k++) ts[k] = (steps - 1 - k) * ratio + options.stepsOffset();
      }
      case TRAILING -> {
        double ratio = (double) trainTimesteps / steps;
        for (int k = 0; k < steps; k++) ts[k] = (int) Math.rint(trainTimesteps - k * ratio) - 1;
      }
      case LINSPACE -> {
        double step = steps == 1 ? 0 : (double) (trainTimesteps - 1) / (steps - 1); // as numpy's linspace
        for (int k = 0; k < steps; k++) {
          int i = steps - 1 - k;
          double v = i == steps - 1 ? trainTimesteps - 1 : i * step;
          ts[k] = (int) Math.rint(v);
        }
      }
    }
    for (int t : ts) {
      if (t < 0 || t >= trainTimesteps) {
        throw new IllegalArgumentException("timestep " + t + " outside the schedule of " + trainTimesteps + " (steps_offset too large?)");
      }
    }
    return ts;
  }

  /** Runs DDIM from x_T (noise at the first timestep) and returns the final sample. */
  public static Tensor sample(VariancePreserving process, Denoiser model, Tensor xT, int steps, Options options) {
    Tensor x = xT;
    for (int t : timesteps(process.trainTimesteps(), steps, options)) {
      try (NativeExit.Step gate = NativeExit.step()) { // a stopped JVM exits between steps
        x = step(process, model.output(x, t), x, t, steps, options);
      }
    }
    return x;
  }

  /** One step from timestep τ to τ − ⌊N/steps⌋ given the model output at x_τ (diffusers' {@code step}, η = 0). */
  public static Tensor step(VariancePreserving process, Tensor output, Tensor x, int timestep, int steps, Options options) {
    int prev = timestep - process.trainTimesteps() / steps;
    double aPrev = prev >= 0 ? process.alphaCumprod(prev) : options.setAlphaToOne() ? 1.0 : process.alphaCumprod(0);
    Tensor x0 = process.toX0AtIndex(x, output, timestep); // (B, …)
    Tensor eps = process.toEpsAtIndex(x, output, timestep); // (B, …)
    return x0.mul(new Scalar(Math.sqrt(aPrev))).add(eps.mul(new Scalar(Math.sqrt(1 - aPrev))));
  }

  /**
   * One step with x̂₀ clamped to [−r, r] and ε̂ re-derived from the clamped x̂₀, diffusers' {@code
   * DDIMScheduler.step} with {@code clip_sample=True, use_clipped_model_output=True} (guided-diffusion's
   * {@code ddim_sample} with {@code clip_denoised}):
   *
   * <pre>x̂₀ = clamp(x̂₀(output), −r, r);  ε̂ = (x_τ − √ᾱ_τ·x̂₀)/√(1 − ᾱ_τ);  x_{τ'} = √ᾱ_{τ'}·x̂₀ + √(1 − ᾱ_{τ'})·ε̂</pre>
   *
   * For pixel-space models of data in [−r, r]: on DDPM's linear schedule √ᾱ_999 ≈ 0.0064, so an
   * unclipped first step turns an ε error δ into an x̂₀ error of about 157·δ. Where x̂₀ lies inside
   * [−r, r] this is {@link #step}.
   */
  public static Tensor clippedStep(VariancePreserving process, Tensor output, Tensor x, int timestep, int steps, Options options, double range) {
    if (!(range > 0) || Double.isInfinite(range)) throw new IllegalArgumentException("clip range must be a finite number > 0, got " + range);
    int prev = timestep - process.trainTimesteps() / steps;
    double aPrev = prev >= 0 ? process.alphaCumprod(prev) : options.setAlphaToOne() ? 1.0 : process.alphaCumprod(0);
    double ac = process.alphaCumprod(timestep);
    Tensor x0 = process.toX0AtIndex(x, output, timestep)
        .clamp(new ScalarOptional(new Scalar(-range)), new ScalarOptional(new Scalar(range))); // (B, …)
    Tensor eps = x.sub(x0.mul(new Scalar(Math.sqrt(ac)))).div(new Scalar(Math.sqrt(1 - ac))); // (B, …)
    return x0.mul(new Scalar(Math.sqrt(aPrev))).add(eps.mul(new Scalar(Math.sqrt(1 - aPrev))));
  }
}
