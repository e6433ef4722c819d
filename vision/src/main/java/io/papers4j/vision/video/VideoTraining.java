package io.papers4j.vision.video;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.diffusion.ConditionDropout;
import io.papers4j.core.diffusion.Ema;
import io.papers4j.core.diffusion.VariancePreserving;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.optim.GradClip;
import io.papers4j.core.train.ProgressBar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The two training stages, top to bottom (spec §6(e)).
 *
 * <pre>stage 1 (image model):  x₀ = one frame of a clip, c = its colour class (10% → null)
 *   i ~ U{0..N−1}, ε ~ N(0, I);  loss = ‖model(√ᾱ_i·x₀ + √(1−ᾱ_i)·ε, i, c) − ε‖²
 * stage 2 (video model, image model frozen): x₀ = a clip (B, T, 3, S, S), L given frames
 *   image and motion conditions dropped with 10% each (CFG);  target ε (arm B) or v = √ᾱ·ε − √(1−ᾱ)·x₀ (arms A, C)
 *   loss = ‖model(x_t, i, F_i, F_m, E(image), motion) − target‖² over every frame</pre>
 *
 * AdamW (β 0.9/0.999, no weight decay), constant learning rate, gradient clip 1; clips, timesteps,
 * noise and dropout come from generators seeded with (seed, step), so arms see identical data. With
 * an EMA decay d > 0 an average θ̄ ← d·θ̄ + (1 − d)·θ of the trained weights is kept after every
 * step ({@link Ema}) and written into the model when training ends: the model then holds the
 * averaged weights, which are what is frozen, sampled and saved (as published diffusion weights are
 * averages).
 */
public final class VideoTraining {
  private VideoTraining() {}

  /**
   * Steps, batch (images or clips), learning rate, given frames L (stage 2), seed, and the decay of an
   * exponential moving average of the trained weights (0 = none), and the compute precision of the
   * forward passes (weights, optimizer state and average stay float32). A fixed step count, never a
   * time budget: a recipe does the same work on any machine.
   */
  public record Recipe(long steps, int batch, double lr, int given, long seed, double emaDecay, Precision precision) {
    public Recipe {
      java.util.Objects.requireNonNull(precision, "precision");
      if (steps < 1 || batch < 1) throw new IllegalArgumentException("steps and batch must be positive, got " + steps + ", " + batch);
      if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
      if (given < 1) throw new IllegalArgumentException("at least one given frame, got " + given);
      if (!(emaDecay >= 0 && emaDecay < 1)) throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + emaDecay);
    }

    public Recipe(long steps, int batch, double lr, int given, long seed, double emaDecay) {
      this(steps, batch, lr, given, seed, emaDecay, Precision.F32);
    }

    public Recipe(long steps, int batch, double lr, int given, long seed) {
      this(steps, batch, lr, given, seed, 0);
    }

    public Recipe withSteps(long n) {
      return new Recipe(n, batch, lr, given, seed, emaDecay, precision);
    }

    public Recipe withPrecision(Precision p) {
      return new Recipe(steps, batch, lr, given, seed, emaDecay, p);
    }
  }

  /** Loss per step and the wall time. */
  public record Log(List<Double> losses, double seconds) {
    public double finalLoss(int window) {
      int n = Math.min(window, losses.size());
      return losses.subList(losses.size() - n, losses.size()).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
  }

  /** Stage 1: the class-conditional image model on single frames. */
  public static Log trainImage(ImageModel model, VideoSource data, Recipe r, ProgressBar bar) {
    return trainImage(model, data, r, bar, 0, null);
  }

  /** As above, calling {@code probe} every {@code every} steps (with the averaged weights in the model while it runs). */
  public static Log trainImage(ImageModel model, VideoSource data, Recipe r, ProgressBar bar, long every, Probe probe) {
    VariancePreserving process = model.config().imageProcess();
    return loop(model.namedParameters(), r, bar, every, probe, step -> {
      SplittableRandom rng = rng(r.seed(), step);
      MovingSprites.Videos v = data.videos(step * r.batch(), r.batch(), model.config().frames());
      long[] pick = new long[r.batch()];
      for (int i = 0; i < pick.length; i++) pick[i] = i * (long) model.config().frames() + rng.nextInt(model.config().frames());
      Tensor x0 = v.frames().flatten(0, 1).index_select(0, Tensor.create(pick, pick.length).clone()); // (B, 3, S, S)
      Tensor classes = ConditionDropout.labels(Tensor.create(v.colour(), r.batch()).clone(), model.nullClass(),
          ConditionDropout.mask(r.batch(), model.config().condDropout(), rng));
      Tensor t = uniformT(r.batch(), rng);
      Tensor eps = gaussian(x0.shape(), r.seed() * 1_000_003L + step);
      Tensor out = model.forward(process.noised(x0, eps, t), process.modelTime(t), classes);
      return process.loss(out, x0, eps, t);
    });
  }

  /** Called every {@code every} steps during training, with the averaged weights in the model while it runs (when there is an average). */
  @FunctionalInterface
  public interface Probe {
    void at(long step);
  }

  /** Stage 2: only the inserted layers of the video model train. */
  public static Log trainVideo(VideoModel model, VideoSource data, Recipe r, ProgressBar bar) {
    return trainVideo(model, data, r, bar, 0, null);
  }

  /** As above, calling {@code probe} every {@code every} steps (e.g. to sample and measure the model along the way). */
  public static Log trainVideo(VideoModel model, VideoSource data, Recipe r, ProgressBar bar, long every, Probe probe) {
    VariancePreserving process = model.config().videoProcess();
    int frames = model.config().frames();
    if (r.given() >= frames) throw new IllegalArgumentException("given frames (" + r.given() + ") must be fewer than the clip's " + frames);
    return loop(model.inserted().namedParameters(), r, bar, every, probe, step -> {
      SplittableRandom rng = rng(r.seed(), step);
      MovingSprites.Videos v = data.videos(step * r.batch(), r.batch(), frames);
      VideoModel.Cond c = condition(v, r.given());
      boolean[] dropImage = ConditionDropout.mask(r.batch(), model.config().condDropout(), rng);
      boolean[] dropMotion = ConditionDropout.mask(r.batch(), model.config().condDropout(), rng);
      Tensor x0 = v.frames(); // (B, T, 3, S, S)
      Tensor t = uniformT(r.batch(), rng);
      Tensor eps = gaussian(x0.shape(), r.seed() * 1_000_003L + step);
      Tensor out = model.forward(process.noised(x0, eps, t), process.modelTime(t), c, dropImage, dropMotion);
      return process.loss(out, x0, eps, t);
    });
  }

  /** The condition of clips with their first L frames given: F_i, F_m, the last given frame as the image. */
  public static VideoModel.Cond condition(MovingSprites.Videos v, int given) {
    Tensor frames = v.frames(); // (B, T, 3, S, S)
    long b = frames.size(0), t = frames.size(1);
    float[] m = new float[(int) (b * t)];
    for (int i = 0; i < b; i++) for (int f = 0; f < given; f++) m[(int) (i * t + f)] = 1f;
    Tensor mask = Tensor.create(m, b, t).clone(); // (B, T)
    Tensor givenFrames = frames.mul(mask.view(b, t, 1, 1, 1)); // (B, T, 3, S, S)
    return new VideoModel.Cond(givenFrames, mask, frames.select(1, given - 1).contiguous(), Tensor.create(v.colour(), (int) b).clone(),
        Tensor.create(v.motion(), (int) b).clone());
  }

  @FunctionalInterface
  private interface StepLoss {
    Tensor loss(long step);
  }

  private static Log loop(Map<String, Tensor> params, Recipe r, ProgressBar bar, long every, Probe probe, StepLoss stepLoss) {
    AdamW opt = new AdamW(params, AdamConfig.torchDefaults(r.lr()).withWeightDecay(0), name -> false);
    Ema ema = r.emaDecay() > 0 ? new Ema(params, r.emaDecay()) : null;
    List<Double> losses = new ArrayList<>();
    long t0 = System.nanoTime();
    for (long step = 0; step < r.steps(); step++) {
      double loss;
      try (PointerScope scope = new PointerScope()) {
        opt.zeroGrad();
        Tensor l;
        try (Precision.Region cast = r.precision().autocast()) {
          l = stepLoss.loss(step);
        }
        NativeExit.backward(l, r.precision());
        GradClip.clipGlobalNorm(params.values(), 1.0);
        opt.step();
        if (ema != null) ema.update();
        loss = l.item_double();
      }
      if (!Double.isFinite(loss)) throw new IllegalStateException("training diverged at step " + step + " (loss " + loss + ")");
      losses.add(loss);
      if (bar != null) bar.update(step + 1, loss, r.batch());
      if (probe != null && every > 0 && (step + 1) % every == 0) {
        if (ema == null) {
          probe.at(step + 1);
        } else {
          Map<String, Tensor> trained = new java.util.LinkedHashMap<>();
          try (NoGradGuard g = new NoGradGuard()) {
            params.forEach((k, v) -> trained.put(k, v.detach().clone()));
          }
          ema.copyTo(params);
          probe.at(step + 1);
          try (NoGradGuard g = new NoGradGuard()) {
            trained.forEach((k, v) -> params.get(k).copy_(v));
          }
        }
      }
    }
    if (ema != null) ema.copyTo(params);
    return new Log(losses, (System.nanoTime() - t0) / 1e9);
  }

  static SplittableRandom rng(long seed, long step) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
  }

  /** t (B) uniform in [0, 1): the process maps it to a uniform timestep index. */
  private static Tensor uniformT(int n, SplittableRandom rng) {
    float[] t = new float[n];
    for (int i = 0; i < n; i++) t[i] = (float) rng.nextDouble();
    return Tensor.create(t, n).clone();
  }

  /** N(0, 1) of {@code shape} from a generator seeded with {@code seed}. */
  public static Tensor gaussian(long[] shape, long seed) {
    Generator g = torch.createCPUGenerator(seed);
    return torch.normal(0.0, 1.0, shape, new GeneratorOptional(g), new TensorOptions());
  }
}
