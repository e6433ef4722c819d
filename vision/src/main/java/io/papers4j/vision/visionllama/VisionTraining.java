package io.papers4j.vision.visionllama;

import io.papers4j.core.tensor.Precision;
import io.papers4j.core.data.Accuracy;
import io.papers4j.core.data.FashionMnistData;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.core.train.TrainConfig;
import io.papers4j.core.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The spec's recipe for both arms (experiment 1A): AdamW (lr 1e-3, wd 0.05 on weight matrices
 * only), cosine schedule with linear warm-up, grad clip 1.0, label smoothing from the config, crop +
 * flip augmentation in the data. Runs {@link Trainer} one epoch at a time (resuming from its
 * checkpoint) so that test accuracy can be measured after every epoch.
 */
public final class VisionTraining {
  /**
   * @param lr peak learning rate (1e-3)
   * @param weightDecay AdamW decay on weight matrices (0.05)
   * @param warmup warm-up steps (100; capped at 10% of the run: the spec has 100 of ~1,400 steps)
   * @param clip global grad-norm clip (1.0)
   */
  public record Recipe(double lr, double weightDecay, long warmup, double clip) {
    public static Recipe spec() {
      return new Recipe(1e-3, 0.05, 100, 1.0);
    }
  }

  /** The trained model, test accuracy after each epoch (at the training resolution), wall time. */
  public record Run(ImageClassifier model, List<Double> epochAccuracy, double seconds, long steps) {
    public double finalAccuracy() {
      return epochAccuracy.get(epochAccuracy.size() - 1);
    }
  }

  /** Decay matrices (…weight with ≥ 2 dims: projections, patch conv, head), not norms/biases/tokens. */
  static Predicate<String> decays(io.papers4j.core.nn.Parameterized m) {
    Map<String, org.bytedeco.pytorch.Tensor> p = m.namedParameters();
    return name -> name.endsWith("weight") && !name.contains("norm") && p.get(name).dim() >= 2;
  }

  private VisionTraining() {}

  /**
   * Trains {@code config} for {@code epochs} passes over {@code data} (or stops after {@code
   * maxSteps} when that is smaller and positive), writing Trainer logs and checkpoints to {@code
   * outDir}.
   */
  public static Run train(
      VisionConfig config, FashionMnistData data, int epochs, long maxSteps, Recipe recipe, long seed,
      Path outDir, ProgressBar.Mode progress) {
    return train(new VisionModel(config, seed), data, epochs, maxSteps, recipe, seed, outDir, progress);
  }

  /** As above for an already built model (any architecture of this package). */
  public static Run train(
      ImageClassifier model, FashionMnistData data, int epochs, long maxSteps, Recipe recipe, long seed,
      Path outDir, ProgressBar.Mode progress) {
    return train(model, data, epochs, maxSteps, recipe, seed, outDir, progress, Precision.F32);
  }

  /**
   * As above with the forward passes (training, validation and the per-epoch accuracy) in {@code
   * precision}: bf16 = CPU autocast, float32 weights, gradients and AdamW state.
   */
  public static Run train(
      ImageClassifier model, FashionMnistData data, int epochs, long maxSteps, Recipe recipe, long seed,
      Path outDir, ProgressBar.Mode progress, Precision precision) {
    long spe = data.stepsPerEpoch();
    long total = spe * epochs;
    if (maxSteps > 0 && maxSteps < total) total = maxSteps;
    AdamW opt =
        new AdamW(model.namedParameters(), AdamConfig.torchDefaults(recipe.lr()).withWeightDecay(recipe.weightDecay()),
            decays(model));
    TrainConfig tc =
        new TrainConfig(total, data.batch(), recipe.lr(), Math.min(recipe.warmup(), Math.max(1, total / 10)), 0.0,
            recipe.clip(), 0, 0, spe, 1, seed, outDir);
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("vision_config", model.config());
    List<Double> acc = new ArrayList<>();
    long t0 = System.nanoTime();
    long done = 0;
    while (done < total) {
      long next = Math.min(total, done + spe);
      new Trainer(tc, model, opt, data).info(info).unit("img").progress(progress).precision(precision).stopAt(next)
          .run(done > 0);
      done = next;
      try (Precision.Region cast = precision.autocast()) {
        acc.add(Accuracy.of(model, model::forward, data, model.imageSize()));
      }
    }
    return new Run(model, acc, (System.nanoTime() - t0) / 1e9, total);
  }
}
