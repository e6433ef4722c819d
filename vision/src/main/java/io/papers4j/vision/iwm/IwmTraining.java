package io.papers4j.vision.iwm;

import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.train.ProgressBar;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * IWM pre-training, one script: per step sample a batch of clean images, crop and flip each (one
 * box for both views), the two views and the action ({@link Actions}), the multi-block masks, the
 * L2 loss to layer-normed EMA targets; AdamW
 * (spec 2(e): lr 1e-3, wd 0.04, batch 64) with I-JEPA's warm-up-cosine rate ({@link #lr}), then
 * the EMA update with momentum 0.996 → 1.0.
 */
public final class IwmTraining {
  /**
   * Recipe. {@code cropScale}: the smallest area fraction of the random resized crop + flip shared by
   * both views (spec 2(b) step 1; I-JEPA's 0.3), or 0 for no crop (the views see the whole image).
   */
  public record Recipe(int steps, int batch, double lr, double weightDecay, boolean destructive, double cropScale) {
    public Recipe {
      if (steps < 1 || batch < 1) throw new IllegalArgumentException("steps and batch must be >= 1, got " + steps + ", " + batch);
      if (!(lr > 0)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
      if (!(cropScale == 0 || (cropScale > 0 && cropScale <= 1))) {
        throw new IllegalArgumentException("crop scale must be 0 (no crop) or in (0, 1], got " + cropScale);
      }
    }

    /** The spec's recipe with I-JEPA's crop (scale 0.3-1, flip). */
    public Recipe(int steps, int batch, double lr, double weightDecay, boolean destructive) {
      this(steps, batch, lr, weightDecay, destructive, Actions.CROP_MIN_SCALE);
    }
  }

  /** A trained model and its loss per step. */
  public record Run(IwmModel model, List<Double> losses, double seconds) {}

  private IwmTraining() {}

  /**
   * I-JEPA's WarmupCosineSchedule scaled to a step count: linear from lr/5 to lr over the first
   * 2/15 of the steps (I-JEPA: 2e-4 → 1e-3 over 40 of 300 epochs), then cosine to 1e-6 at the end.
   * Without the warm-up the first full-rate updates pushed the encoder towards collapse.
   */
  public static double lr(Recipe r, long step) {
    long warmup = Math.max(1, r.steps() * 2L / 15);
    double start = r.lr() / 5, end = Math.min(1e-6, r.lr());
    if (step < warmup) return start + (r.lr() - start) * step / warmup;
    double progress = Math.min(1.0, (double) (step - warmup) / Math.max(1, r.steps() - warmup));
    return end + (r.lr() - end) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }

  /** Index tensor (B, n) int64 from rows of token indices. */
  static Tensor indices(int[][] rows) {
    long[] flat = new long[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < rows[i].length; j++) flat[i * rows[0].length + j] = rows[i][j];
    }
    return torch.tensor(flat).view(rows.length, rows[0].length);
  }

  public static Run train(IwmConfig config, ColourShapes.Data data, Recipe r, long seed, ProgressBar.Mode mode) {
    return train(config, data, r, seed, mode, Precision.F32);
  }

  /** Pre-trains with the forward passes in {@code precision} (weights, optimizer state and EMA stay float32). */
  public static Run train(IwmConfig config, ColourShapes.Data data, Recipe r, long seed, ProgressBar.Mode mode, Precision precision) {
    long t0 = System.nanoTime();
    IwmModel model = new IwmModel(config, seed);
    var params = model.trainable();
    AdamW opt = new AdamW(params, new AdamConfig(r.lr(), 0.9, 0.999, 1e-8, r.weightDecay()),
        name -> !name.endsWith("bias") && !name.contains("norm") && !name.contains("pos_embed") && !name.contains("mask_token"));
    Ema ema = new Ema(0.996, 1.0, r.steps());
    MultiBlockMask masks = MultiBlockMask.ijepa(config.grid(), config.grid());
    Random rng = new Random(seed);
    List<Double> losses = new ArrayList<>();
    long n = data.size();
    try (ProgressBar bar = new ProgressBar("iwm " + config.conditioning() + " depth " + config.predDepth(), r.steps(), "img", System.err, mode, System::nanoTime, 10_000_000_000L)) {
      for (int step = 0; step < r.steps(); step++) {
        opt.setLearningRate(lr(r, step));
        try (PointerScope scope = new PointerScope()) {
          long[] pick = new long[r.batch()];
          for (int i = 0; i < pick.length; i++) pick[i] = (long) (rng.nextDouble() * n);
          Tensor images = data.images().index_select(0, torch.tensor(pick)); // (B, 3, H, W)
          if (r.cropScale() > 0) images = Actions.cropAndFlip(images, r.cropScale(), rng); // shared by both views
          Actions.Views v = Actions.sample(images, rng, r.destructive());
          MultiBlockMask.Batch m = masks.sample(r.batch(), rng);
          Tensor loss;
          try (Precision.Region cast = precision.autocast()) {
            loss = model.loss(v.source(), v.target(), v.action(), indices(m.context()), indices(m.target()));
          }
          opt.zeroGrad();
          NativeExit.backward(loss, precision);
          opt.step();
          model.emaUpdate(ema.momentum(step + 1));
          double l = loss.item_double();
          if (!Double.isFinite(l)) throw new IllegalStateException("IWM loss is not finite at step " + step);
          losses.add(l);
          bar.update(step + 1, l, r.batch());
        }
      }
    }
    return new Run(model, losses, (System.nanoTime() - t0) / 1e9);
  }
}
