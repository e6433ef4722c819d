package io.papers4j.vision.flow;

import io.papers4j.core.diffusion.DdimSampler;
import io.papers4j.core.diffusion.DiffusionProcess;
import io.papers4j.core.diffusion.EulerSampler;
import io.papers4j.core.diffusion.FlowSchedule;
import io.papers4j.core.diffusion.Guidance;
import io.papers4j.core.diffusion.VariancePreserving;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Sampling a trained backbone: Euler on the flow ODE along the shifted σ grid for rectified flow
 * (z ← z + (σ_{i+1} − σ_i)·v, σ = shift(linspace(1, 0)), SD3 §2 and eq. 23), DDIM (η = 0) for the ε / v
 * models; classifier-free guidance v = v_∅ + w·(v_c − v_∅) in both. Works in chunks, each inside
 * its own pointer scope, so thousands of samples keep memory flat; the result is a long-lived
 * (N, ch, S, S) tensor in [−1, 1] (clamped), or unclamped latents that {@link #sampleImages} decodes
 * with the model's autoencoder.
 */
public final class FlowSampler {
  private FlowSampler() {}

  /**
   * @param cond the condition of all n samples (batch n)
   * @param steps sampler steps (any number ≥ 1)
   * @param cfg guidance scale w (1 = the conditional model alone)
   * @param shift α of the σ grid for rectified flow (1 = none)
   * @param seed seed of the starting noise
   * @param chunk samples per forward pass
   */
  public static Tensor sample(FlowNet model, String objective, Cond cond, int steps, double cfg, double shift, long seed, int chunk) {
    return sample(model, objective, cond, steps, cfg, shift, seed, chunk, null);
  }

  /** As above, reporting finished samples on {@code bar} (may be null). */
  public static Tensor sample(FlowNet model, String objective, Cond cond, int steps, double cfg, double shift, long seed, int chunk,
      io.papers4j.core.train.ProgressBar bar) {
    return sample(model, objective, cond, steps, cfg, shift, seed, chunk, bar, true);
  }

  /**
   * Images in [−1, 1]: sampled in pixel space when {@code space} is null, else sampled as latents
   * (unclamped: scaled latents have unit variance, not a [−1, 1] range) and decoded.
   */
  public static Tensor sampleImages(FlowNet model, io.papers4j.vision.gen.LatentSpace space, String objective, Cond cond, int steps, double cfg,
      double shift, long seed, int chunk, io.papers4j.core.train.ProgressBar bar) {
    if (space == null) return sample(model, objective, cond, steps, cfg, shift, seed, chunk, bar, true);
    return space.decode(sample(model, objective, cond, steps, cfg, shift, seed, chunk, bar, false));
  }

  /** As above; {@code clamp} false leaves the result unclamped (latents). */
  public static Tensor sample(FlowNet model, String objective, Cond cond, int steps, double cfg, double shift, long seed, int chunk,
      io.papers4j.core.train.ProgressBar bar, boolean clamp) {
    if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
    if (!(cfg >= 0)) throw new IllegalArgumentException("--cfg must be >= 0, got " + cfg);
    DiffusionProcess process = FlowTraining.process(objective);
    FlowConfig c = model.config();
    int n = (int) cond.batch();
    int s = c.imageSize();
    float[] out = new float[n * c.channels() * s * s];
    int per = c.channels() * s * s;
    for (int from = 0; from < n; from += chunk) {
      int m = Math.min(chunk, n - from);
      try (PointerScope scope = new PointerScope();
          NoGradGuard g = new NoGradGuard()) {
        Tensor idx = torch.arange(new Scalar(from), new Scalar(from + m)).to(torch.ScalarType.Long);
        Cond part = slice(cond, idx);
        Cond none = model.nullCond(m);
        Tensor z = FlowTraining.gaussian(new long[] {m, c.channels(), s, s}, seed * 7_919L + from); // (m, ch, S, S)
        Tensor x = z.clone(); // updated in place, one pointer scope per step: temporaries never pile up
        if (process instanceof VariancePreserving vp) {
          DdimSampler.Denoiser cd = (xt, t) -> model.forward(xt, torch.full(new long[] {m}, new Scalar(t)), part);
          DdimSampler.Denoiser ud = (xt, t) -> model.forward(xt, torch.full(new long[] {m}, new Scalar(t)), none);
          DdimSampler.Denoiser d = Guidance.guidedDenoiser(cd, ud, cfg);
          int k = Math.min(steps, vp.trainTimesteps());
          DdimSampler.Options opts = DdimSampler.Options.trailing();
          for (int t : DdimSampler.timesteps(vp.trainTimesteps(), k, opts)) {
            try (PointerScope step = new PointerScope()) {
              x.copy_(DdimSampler.step(vp, d.output(x, t), x, t, k, opts));
            }
          }
        } else {
          EulerSampler.VelocityField cv = (zt, t) -> model.forward(zt, process.modelTime(torch.full(new long[] {m}, new Scalar(t))), part);
          EulerSampler.VelocityField uv = (zt, t) -> model.forward(zt, process.modelTime(torch.full(new long[] {m}, new Scalar(t))), none);
          EulerSampler.VelocityField v = Guidance.guided(cv, uv, cfg);
          double[] sigmas = FlowSchedule.sigmas(steps, shift);
          for (int i = 0; i + 1 < sigmas.length; i++) {
            try (PointerScope step = new PointerScope()) {
              x.add_(v.velocity(x, sigmas[i]), new Scalar(sigmas[i + 1] - sigmas[i])); // EulerSampler's step, in place
            }
          }
        }
        float[] part2 = new float[m * per];
        (clamp ? x.clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(-1)), new org.bytedeco.pytorch.ScalarOptional(new Scalar(1))) : x)
            .contiguous().to(torch.ScalarType.Float).data_ptr_float().get(part2);
        System.arraycopy(part2, 0, out, from * per, m * per);
      }
      if (bar != null) bar.update(from + m, Double.NaN, m);
    }
    return Tensor.create(out).view(n, c.channels(), s, s);
  }

  /** The rows {@code idx} of a condition. */
  static Cond slice(Cond c, Tensor idx) {
    return new Cond(sel(c.labels(), idx), sel(c.words(), idx), sel(c.context(), idx), sel(c.pooled(), idx));
  }

  private static Tensor sel(Tensor t, Tensor idx) {
    return t == null ? null : t.index_select(0, idx);
  }
}
