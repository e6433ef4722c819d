package io.papers4j.vision.tryon;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.diffusion.ConditionDropout;
import io.papers4j.core.diffusion.Ema;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.ProgressBar;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Training of the try-on model, top to bottom: paired triples generated on the fly (each step a new
 * slice of the training stream), uniform timesteps, the loss on the prediction (x₀ by default, ε or v) on the whole image, outfitting
 * dropout, AdamW, then an exponential moving average of the weights (what sampling uses, as
 * diffusion models are published). Both UNets (and ψ) are trained, as in OOTDiffusion. A fixed number
 * of steps, no time budget: arms are compared at equal steps.
 */
public final class TryOnTraining {
  private TryOnTraining() {}

  /**
   * @param steps optimizer steps (spec: about 1,000)
   * @param batch examples per step (spec: 16)
   * @param lr AdamW learning rate (spec: 2e-4)
   * @param dropout outfitting dropout p (spec and paper: 0.1)
   * @param emaDecay decay of the weights' EMA (0 = none); 0.99 averages about the last 100 steps
   * @param seed data order, timesteps, noise and dropout
   */
  public record Recipe(long steps, int batch, double lr, double dropout, double emaDecay, long seed) {
    public Recipe {
      if (steps < 1 || batch < 1) throw new IllegalArgumentException("steps and batch must be >= 1, got " + steps + ", " + batch);
      if (!(lr > 0)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
      if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("outfitting dropout must be in [0, 1), got " + dropout);
      if (!(emaDecay >= 0 && emaDecay < 1)) throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + emaDecay);
    }

    public static Recipe defaults(long seed) {
      return new Recipe(1000, 16, 2e-4, 0.1, 0.99, seed);
    }
  }

  /**
   * What a run did: steps taken, the loss per step, the wall time and the EMA of the weights (null
   * without one; {@link #useEma} writes it into the model).
   */
  public record Run(long steps, List<Double> losses, double seconds, Ema ema) {
    /** Training images per second of wall time. */
    public double imagesPerSecond(int batch) {
      return steps * batch / seconds;
    }

    /** Overwrites the model's weights with the EMA (nothing without one). */
    public void useEma(OotdModel model) {
      if (ema != null) ema.copyTo(model.namedParameters());
    }

    /** Mean loss over the last {@code k} steps. */
    public double finalLoss(int k) {
      int from = Math.max(0, losses.size() - k);
      return losses.subList(from, losses.size()).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
  }

  /** Trains the recipe's steps; the model keeps the trained weights, the run holds their EMA. */
  public static Run train(OotdModel model, TryOnData data, Recipe r, ProgressBar.Mode mode) {
    return train(model, data, r, mode, Precision.F32);
  }

  /** As above with the forward passes in {@code precision} (weights, optimizer state and EMA stay float32). */
  public static Run train(OotdModel model, TryOnData data, Recipe r, ProgressBar.Mode mode, Precision precision) {
    AdamW opt = new AdamW(model.namedParameters(), AdamConfig.torchDefaults(r.lr()));
    Ema ema = r.emaDecay() > 0 ? new Ema(model.namedParameters(), r.emaDecay()) : null;
    SplittableRandom rng = new SplittableRandom(r.seed() * 31 + 7);
    int big = model.diffusion().trainTimesteps();
    List<Double> losses = new ArrayList<>();
    long start = System.nanoTime(), step = 0;
    try (ProgressBar bar = new ProgressBar("tryon " + model.config().arm(), r.steps(), "img", System.err, mode, System::nanoTime, 10_000_000_000L)) {
      for (; step < r.steps(); step++) {
        try (PointerScope scope = new PointerScope()) {
          TryOnData.Batch b = data.batch("train", step * r.batch(), r.batch());
          float[] t = new float[r.batch()];
          for (int i = 0; i < t.length; i++) t[i] = (float) ((rng.nextInt(big) + 0.5) / big);
          boolean[] drop = ConditionDropout.mask(r.batch(), r.dropout(), rng);
          Tensor noise = TryOnSampler.gaussian(b.target().shape(), r.seed() * 1_000_003L + step);
          Tensor loss;
          try (Precision.Region cast = precision.autocast()) {
            loss = model.loss(signed(b.target()), noise, Tensor.create(t, t.length).clone(), signed(b.agnostic()), b.mask(),
                signed(b.garment()), b.category(), drop);
          }
          opt.zeroGrad();
          NativeExit.backward(loss, precision);
          opt.step();
          if (ema != null) ema.update();
          double l = loss.item_double();
          if (!Double.isFinite(l)) throw new IllegalStateException("try-on loss is not finite at step " + step);
          losses.add(l);
          bar.update(step + 1, l, r.batch());
        }
      }
    }
    return new Run(step, losses, (System.nanoTime() - start) / 1e9, ema);
  }

  /** [0, 1] → [−1, 1]. */
  static Tensor signed(Tensor x) {
    return x.mul(new Scalar(2)).sub(new Scalar(1));
  }
}
