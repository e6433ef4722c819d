package io.papers4j.vision.flow;

import io.papers4j.core.diffusion.DdimSampler;
import io.papers4j.core.diffusion.DiffusionProcess;
import io.papers4j.core.diffusion.FlowSchedule;
import io.papers4j.core.diffusion.Guidance;
import io.papers4j.core.diffusion.VariancePreserving;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Sampling a trained backbone: Euler on the flow ODE along the shifted σ grid for rectified flow
 * (z ← z + (σ_{i+1} − σ_i)·v, σ = shift(linspace(1, 0)), SD3 §2 and eq. 23), DDIM (η = 0) for the ε / v
 * models; classifier-free guidance v = v_∅ + w·(v_c − v_∅) in both, the two branches evaluated as
 * one batch [c; ∅] per step. Works in chunks, each inside
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
    return sample(model, objective, cond, steps, cfg, shift, seed, chunk, bar, clamp, true);
  }

  /**
   * As above; {@code oneBatch} false evaluates the two guidance branches as two forwards of m rows
   * instead of one of 2m (the same samples within float rounding). One batch is the default: for the
   * d 64 / depth 6 Fashion-MNIST DiT (chunks of 100, 49 tokens) it took about a third less CPU time
   * per sampling run; for {@code bench flow}'s MM-DiT (16 images, 272 tokens, width 192) the two
   * modes tied or swapped places between runs (docs/rectified-flow.md, "Sampling speed").
   */
  public static Tensor sample(FlowNet model, String objective, Cond cond, int steps, double cfg, double shift, long seed, int chunk,
      io.papers4j.core.train.ProgressBar bar, boolean clamp, boolean oneBatch) {
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
        // with guidance the conditional and the null branch run as one forward over 2m rows, [cond; null]
        // (half the network calls), or as two forwards of m rows
        boolean batched = oneBatch && cfg != 1.0;
        Cond none = model.nullCond(m);
        Cond both = batched ? concat(part, none) : null;
        int rows = batched ? 2 * m : m;
        Tensor z = FlowTraining.gaussian(new long[] {m, c.channels(), s, s}, seed * 7_919L + from); // (m, ch, S, S)
        Tensor x = z.clone(); // updated in place, one pointer scope per step: temporaries never pile up
        if (process instanceof VariancePreserving vp) {
          int k = Math.min(steps, vp.trainTimesteps());
          DdimSampler.Options opts = DdimSampler.Options.trailing();
          for (int t : DdimSampler.timesteps(vp.trainTimesteps(), k, opts)) {
            try (PointerScope step = new PointerScope()) {
              Tensor time = torch.full(new long[] {rows}, new Scalar(t));
              Tensor o = guidedOutput(model, x, time, part, none, both, cfg, m); // (m, ch, S, S)
              x.copy_(DdimSampler.step(vp, o, x, t, k, opts));
            }
          }
        } else {
          double[] sigmas = FlowSchedule.sigmas(steps, shift);
          for (int i = 0; i + 1 < sigmas.length; i++) {
            try (PointerScope step = new PointerScope()) {
              Tensor time = process.modelTime(torch.full(new long[] {rows}, new Scalar(sigmas[i])));
              Tensor v = guidedOutput(model, x, time, part, none, both, cfg, m); // (m, ch, S, S)
              x.add_(v, new Scalar(sigmas[i + 1] - sigmas[i])); // EulerSampler's step, in place
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

  /**
   * The guided prediction v_∅ + w·(v_c − v_∅) (Guidance.combine) for x (m, ch, S, S): the conditional
   * model alone when w = 1; with {@code both} = [c; ∅] one forward over [x; x] (2m rows, {@code time}
   * with 2m entries) split back; otherwise a forward with ∅ and one with c.
   */
  static Tensor guidedOutput(FlowNet model, Tensor x, Tensor time, Cond cond, Cond none, Cond both, double cfg, int m) {
    if (cfg == 1.0) return model.forward(x, time, cond);
    if (both == null) return Guidance.combine(model.forward(x, time, none), model.forward(x, time, cond), cfg);
    Tensor out = model.forward(torch.cat(new TensorVector(x, x)), time, both); // (2m, ch, S, S)
    return Guidance.combine(out.narrow(0, m, m), out.narrow(0, 0, m), cfg);
  }

  /** Two conditions of one kind stacked along the batch: rows of {@code a}, then rows of {@code b}. */
  static Cond concat(Cond a, Cond b) {
    return new Cond(cat(a.labels(), b.labels()), cat(a.words(), b.words()), cat(a.context(), b.context()), cat(a.pooled(), b.pooled()));
  }

  private static Tensor cat(Tensor a, Tensor b) {
    if (a == null && b == null) return null;
    if (a == null || b == null) throw new IllegalArgumentException("the condition and the null condition are of different kinds");
    return torch.cat(new TensorVector(a, b));
  }

  /** The rows {@code idx} of a condition. */
  static Cond slice(Cond c, Tensor idx) {
    return new Cond(sel(c.labels(), idx), sel(c.words(), idx), sel(c.context(), idx), sel(c.pooled(), idx));
  }

  private static Tensor sel(Tensor t, Tensor idx) {
    return t == null ? null : t.index_select(0, idx);
  }
}
