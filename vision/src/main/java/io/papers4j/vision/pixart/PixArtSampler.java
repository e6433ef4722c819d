package io.papers4j.vision.pixart;

import io.papers4j.core.diffusion.DdimSampler;
import io.papers4j.core.diffusion.DiffusionProcess;
import io.papers4j.core.diffusion.EulerSampler;
import io.papers4j.core.diffusion.FlowSchedule;
import io.papers4j.core.diffusion.Guidance;
import io.papers4j.core.diffusion.VariancePreserving;
import io.papers4j.core.train.ProgressBar;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Sampling a PixArt model: DDIM (η = 0, trailing timesteps) for ε-prediction, Euler along
 * linspace(1, 0) for rectified flow, both with classifier-free guidance ε = ε_∅ + w·(ε_c − ε_∅)
 * against the null caption (PixArt samples with DPM-Solver at w ≈ 4.5; DDIM is the toolkit's
 * solver). For pixel models each DDIM step clips the predicted x̂₀ to [−1, 1] (IDDPM's
 * clip_denoised; latent models are not clipped). Chunks and steps run in their own pointer scopes;
 * the result is a long-lived (N, ch, S, S) tensor clamped to [−1, 1] (not clamped for latent models).
 */
public final class PixArtSampler {
  private PixArtSampler() {}

  /**
   * @param caption the captions of all n samples (batch n)
   * @param steps sampler steps (≥ 1)
   * @param cfg guidance scale w (1 = the conditional model alone)
   * @param seed seed of the starting noise
   * @param chunk samples per forward pass
   * @param clamp clamp to [−1, 1] (pixel models)
   * @param bar progress (may be null)
   */
  public static Tensor sample(PixArt model, Caption caption, int steps, double cfg, long seed, int chunk, boolean clamp, ProgressBar bar) {
    if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
    if (!(cfg >= 0)) throw new IllegalArgumentException("--cfg must be >= 0, got " + cfg);
    PixArtConfig c = model.config();
    DiffusionProcess process = PixArtTraining.process(c.objective());
    int n = (int) caption.batch();
    int s = c.imageSize();
    int per = c.channels() * s * s;
    float[] out = new float[n * per];
    Tensor noise = PixArtTraining.gaussian(new long[] {n, c.channels(), s, s}, seed); // (N, ch, S, S): samples do not depend on the chunking
    for (int from = 0; from < n; from += chunk) {
      int m = Math.min(chunk, n - from);
      try (PointerScope scope = new PointerScope();
          NoGradGuard g = new NoGradGuard()) {
        Caption part = caption.narrow(from, m);
        Caption none = model.nullCaption(m);
        Tensor x = noise.narrow(0, from, m).clone(); // (m, ch, S, S), updated in place
        if (process instanceof VariancePreserving vp) {
          DdimSampler.Denoiser cd = (xt, t) -> model.forward(xt, torch.full(new long[] {m}, new Scalar(t)), part);
          DdimSampler.Denoiser ud = (xt, t) -> model.forward(xt, torch.full(new long[] {m}, new Scalar(t)), none);
          DdimSampler.Denoiser d = cfg == 1.0 ? cd : Guidance.guidedDenoiser(cd, ud, cfg);
          int k = Math.min(steps, vp.trainTimesteps());
          DdimSampler.Options opts = DdimSampler.Options.trailing();
          for (int t : DdimSampler.timesteps(vp.trainTimesteps(), k, opts)) {
            try (PointerScope step = new PointerScope()) {
              Tensor eps = d.output(x, t); // (m, ch, S, S)
              x.copy_(clamp ? DdimSampler.clippedStep(vp, eps, x, t, k, opts, 1.0) : DdimSampler.step(vp, eps, x, t, k, opts));
            }
          }
        } else {
          EulerSampler.VelocityField cv = (zt, t) -> model.forward(zt, process.modelTime(torch.full(new long[] {m}, new Scalar(t))), part);
          EulerSampler.VelocityField uv = (zt, t) -> model.forward(zt, process.modelTime(torch.full(new long[] {m}, new Scalar(t))), none);
          EulerSampler.VelocityField v = cfg == 1.0 ? cv : Guidance.guided(cv, uv, cfg);
          double[] sigmas = FlowSchedule.sigmas(steps, 1.0);
          for (int i = 0; i + 1 < sigmas.length; i++) {
            try (PointerScope step = new PointerScope()) {
              x.add_(v.velocity(x, sigmas[i]), new Scalar(sigmas[i + 1] - sigmas[i]));
            }
          }
        }
        Tensor done = clamp ? x.clamp(new ScalarOptional(new Scalar(-1)), new ScalarOptional(new Scalar(1))) : x;
        float[] buf = new float[m * per];
        done.contiguous().to(torch.ScalarType.Float).data_ptr_float().get(buf);
        System.arraycopy(buf, 0, out, from * per, m * per);
      }
      if (bar != null) bar.update(from + m, Double.NaN, m);
    }
    return Tensor.create(out).view(n, c.channels(), s, s);
  }
}
