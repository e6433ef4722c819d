package io.papers4j.vision.tryon;

import io.papers4j.core.diffusion.DdimSampler;
import io.papers4j.core.diffusion.Guidance;
import io.papers4j.core.diffusion.VariancePreserving;
import java.util.Arrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Try-on inference as OOTDiffusion's pipeline does it: the garment side computed once (the outfitting
 * UNet at t = 0, for the garment and for the null garment), then DDIM (η = 0, trailing spacing) with
 * garment-only classifier-free guidance and repainting outside the mask:
 *
 * <pre>ŷ = ŷ_∅ + s·(ŷ_g − ŷ_∅)                      // s = 1: the conditional model alone; ŷ = x̂₀, ε̂ or v̂ (affine in each other at fixed x_t, so the same guidance)
 * x ← DDIM step with x̂₀ clipped to [−1, 1];  x ← (1 − m)·noised(x_agnostic, ε_T, τ') + m·x   // only the masked area is generated
 * result = (1 − m)·person + m·x̂₀                    // outside the mask the input pixels, exactly</pre>
 *
 * (OOTDiffusion uses UniPC with 20 steps; DDIM with 20 steps here, as spec §5(e) says.) The clipping
 * matters in pixel space on DDPM's linear schedule: √ᾱ_999 ≈ 0.0064, so an unclipped first step turns
 * an ε error δ into an x̂₀ error of about 157·δ (measured: x̂₀'s squared error in the mask 600-3,500 at
 * τ = 990 after 300-400 training steps), which the repainted loop carried into saturated colour noise.
 * With the default x̂₀-prediction the clipping only bounds the model's own output.
 */
public final class TryOnSampler {
  private TryOnSampler() {}

  /**
   * @param person the person images (B, 3, S, S) in [0, 1]; only their pixels outside the mask are used
   * @param mask (B, 1, S, S), 1 where the garment goes
   * @param garment (B, 3, S, S) in [0, 1]
   * @param category (B) int64
   * @param guidance garment guidance scale s (1 = no guidance; OOTDiffusion: 1.5 in the pipeline, 2.0 in its script)
   * @return the try-on results (B, 3, S, S) in [0, 1]
   */
  public static Tensor tryOn(OotdModel model, Tensor person, Tensor mask, Tensor garment, Tensor category, double guidance, int steps, long seed) {
    return tryOn(model, person, mask, garment, category, guidance, steps, seed, true);
  }

  /** As above; {@code clipX0} false gives the plain DDIM step (no x̂₀ clipping), kept to measure what the clipping does. */
  public static Tensor tryOn(OotdModel model, Tensor person, Tensor mask, Tensor garment, Tensor category, double guidance, int steps, long seed,
      boolean clipX0) {
    if (!(guidance >= 0) || Double.isInfinite(guidance)) throw new IllegalArgumentException("guidance must be a finite number >= 0, got " + guidance);
    VariancePreserving vp = model.diffusion();
    if (steps < 1 || steps > vp.trainTimesteps()) throw new IllegalArgumentException("steps must be in [1, " + vp.trainTimesteps() + "], got " + steps);
    long n = person.size(0);
    try (NoGradGuard ng = new NoGradGuard()) {
      Tensor agn = TryOnData.agnostic(person, mask).mul(new Scalar(2)).sub(new Scalar(1)); // (B, 3, S, S) in [−1, 1]
      Tensor g = garment.mul(new Scalar(2)).sub(new Scalar(1)); // (B, 3, S, S)
      boolean cfg = guidance != 1.0;
      boolean[] none = new boolean[(int) n], all = new boolean[(int) n];
      Arrays.fill(all, true);
      OotdModel.GarmentFeatures f = model.garmentFeatures(g, none, category);
      Tensor gIn = g, aIn = agn, mIn = mask;
      if (cfg) { // one batch: conditional rows then null-garment rows
        f = OotdModel.GarmentFeatures.cat(f, model.garmentFeatures(g, all, category));
        gIn = torch.cat(new TensorVector(g, OotdModel.dropGarment(g, all)), 0);
        aIn = torch.cat(new TensorVector(agn, agn), 0);
        mIn = torch.cat(new TensorVector(mask, mask), 0);
      }
      final Tensor fg = gIn, fa = aIn, fm = mIn;
      final OotdModel.GarmentFeatures ff = f;
      DdimSampler.Denoiser eps = (x, t) -> {
        Tensor xin = cfg ? torch.cat(new TensorVector(x, x), 0) : x;
        Tensor e = model.denoise(xin, torch.full(new long[] {xin.size(0)}, new Scalar((float) t)), fa, fm, fg, ff);
        return cfg ? Guidance.combine(e.narrow(0, n, n), e.narrow(0, 0, n), guidance) : e; // (B, 3, S, S)
      };
      Tensor x = sample(vp, eps, agn, mask, gaussian(agn.shape(), seed), steps, clipX0);
      Tensor out = x.add(new Scalar(1)).div(new Scalar(2)).clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(0)),
          new org.bytedeco.pytorch.ScalarOptional(new Scalar(1)));
      return repaint(person, out, mask); // (B, 3, S, S)
    }
  }

  /**
   * The repainted DDIM loop for any model of the process (ε, v or x₀ output): x_T = noise; at each trailing timestep τ a DDIM step to
   * τ' = τ − ⌊N/steps⌋, then (1 − m)·noised(agnostic, noise, τ') + m·x (at the end: (1 − m)·agnostic
   * + m·x̂₀).
   *
   * @param agnostic (B, 3, S, S) in [−1, 1]
   * @return the result (B, 3, S, S) in [−1, 1] (unclamped)
   */
  public static Tensor sample(VariancePreserving vp, DdimSampler.Denoiser eps, Tensor agnostic, Tensor mask, Tensor noise, int steps) {
    return sample(vp, eps, agnostic, mask, noise, steps, true);
  }

  /** As above; {@code clipX0} false: plain DDIM steps (x̂₀ unclipped). */
  public static Tensor sample(VariancePreserving vp, DdimSampler.Denoiser eps, Tensor agnostic, Tensor mask, Tensor noise, int steps,
      boolean clipX0) {
    long n = agnostic.size(0);
    Tensor x = noise.clone();
    DdimSampler.Options opts = DdimSampler.Options.trailing();
    int big = vp.trainTimesteps();
    for (int t : DdimSampler.timesteps(big, steps, opts)) {
      try (PointerScope s = new PointerScope()) {
        Tensor out = eps.output(x, t);
        Tensor next = clipX0 ? DdimSampler.clippedStep(vp, out, x, t, steps, opts, 1.0) : DdimSampler.step(vp, out, x, t, steps, opts); // x̂₀ in [−1, 1]
        int prev = t - big / steps;
        Tensor known = prev >= 0 ? vp.noised(agnostic, noise, torch.full(new long[] {n}, new Scalar((prev + 0.5) / big))) : agnostic;
        x.copy_(repaint(known, next, mask));
      }
    }
    return x;
  }

  /** (1 − m)·known + m·generated: exactly {@code known} where m = 0. */
  public static Tensor repaint(Tensor known, Tensor generated, Tensor mask) {
    return known.mul(mask.neg().add(new Scalar(1))).add(generated.mul(mask));
  }

  static Tensor gaussian(long[] shape, long seed) {
    Generator gen = torch.createCPUGenerator(seed);
    return torch.normal(0.0, 1.0, shape, new GeneratorOptional(gen), new TensorOptions());
  }
}
