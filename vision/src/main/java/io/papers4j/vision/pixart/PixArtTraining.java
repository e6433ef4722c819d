package io.papers4j.vision.pixart;

import io.papers4j.core.tensor.Precision;
import io.papers4j.core.diffusion.DiffusionProcess;
import io.papers4j.core.diffusion.Guidance;
import io.papers4j.core.diffusion.RectifiedFlow;
import io.papers4j.core.diffusion.VariancePreserving;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.train.Batch;
import io.papers4j.core.train.ProgressBar;
import io.papers4j.core.train.TrainConfig;
import io.papers4j.core.train.TrainResult;
import io.papers4j.core.train.Trainable;
import io.papers4j.core.train.Trainer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Training a PixArt model, top to bottom, on {@link Trainer}'s step hook. One step (PixArt's
 * IDDPM training without the learned variance):
 *
 * <pre>t ~ U[0, 1) (the DDPM index ⌊1000·t⌋; σ = t for rectified flow), ε ~ N(0, I)
 * x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε          // rf: (1 − t)·x₀ + t·ε
 * caption ← null caption with probability 0.1       // classifier-free guidance
 * loss = ‖model(x_t, t, caption) − ε‖²              // rf: − (ε − x₀)</pre>
 *
 * t, the dropout mask and ε come from generators seeded with (seed, step), so arms that differ only
 * in the model see the same images, noise and dropout. AdamW (β 0.9/0.999, no weight decay; PixArt
 * uses CAME at lr 2e-5, far too slow for a toy run), constant rate after a linear warm-up, gradient
 * clip 1 (PixArt: 0.01 with CAME). Validation: the same loss at fixed, evenly spaced t with fixed
 * noise and no dropout.
 */
public final class PixArtTraining {
  private PixArtTraining() {}

  /**
   * @param lr peak learning rate (1e-3)
   * @param steps optimizer steps
   * @param warmup linear warm-up steps
   * @param seed seed of t, noise, dropout and data order
   */
  public record Recipe(double lr, long steps, long warmup, long seed) {
    public Recipe {
      if (!(lr > 0)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
      if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
      if (warmup < 0) throw new IllegalArgumentException("warm-up must be >= 0");
    }

    public static Recipe of(long steps, long seed) {
      return new Recipe(1e-3, steps, Math.min(50, steps / 10), seed);
    }
  }

  /** The trained model, its loss log and the wall time. */
  public record Run(PixArt model, TrainResult result, double seconds) {}

  /**
   * eps → ε-prediction on the DDPM linear schedule (β = linspace(1e-4, 0.02, 1000), PixArt's and
   * IDDPM's "linear"); rf → rectified flow (velocity ε − x₀).
   */
  public static DiffusionProcess process(String objective) {
    return switch (objective) {
      case "eps" -> ddpmLinear();
      case "rf" -> RectifiedFlow.INSTANCE;
      default -> throw new IllegalArgumentException("objective must be eps or rf, got " + objective);
    };
  }

  /** DDPM's linear β schedule over 1000 steps as a variance-preserving ε process. */
  public static VariancePreserving ddpmLinear() {
    int n = 1000;
    double[] ac = new double[n];
    double prod = 1;
    for (int i = 0; i < n; i++) {
      double beta = 1e-4 + (0.02 - 1e-4) * i / (n - 1);
      prod *= 1 - beta;
      ac[i] = prod;
    }
    return new VariancePreserving("ddpm-linear", ac, VariancePreserving.Prediction.EPSILON);
  }

  public static Run train(PixArt model, PixArtData data, Recipe r, Path work, ProgressBar.Mode progress, int evalEvery, int evalBatches) {
    return train(model, data, r, work, progress, evalEvery, evalBatches, Double.POSITIVE_INFINITY);
  }

  /** As above, stopping after the first step that ends past {@code budgetS} seconds. */
  public static Run train(PixArt model, PixArtData data, Recipe r, Path work, ProgressBar.Mode progress, int evalEvery, int evalBatches,
      double budgetS) {
    return train(model, data, r, work, progress, evalEvery, evalBatches, budgetS, Precision.F32);
  }

  /** As above with the forward passes in {@code precision} (bf16 = CPU autocast; float32 weights, AdamW state, loss). */
  public static Run train(PixArt model, PixArtData data, Recipe r, Path work, ProgressBar.Mode progress, int evalEvery, int evalBatches,
      double budgetS, Precision precision) {
    return train(model, data, r, work, progress, evalEvery, evalBatches, budgetS, precision, null);
  }

  /**
   * As above with {@code afterStep} called after every optimizer update (e.g. to score the model at
   * chosen steps; the batches, noise and dropout of later steps do not depend on it).
   */
  public static Run train(PixArt model, PixArtData data, Recipe r, Path work, ProgressBar.Mode progress, int evalEvery, int evalBatches,
      double budgetS, Precision precision, Trainer.AfterStep afterStep) {
    DiffusionProcess process = process(model.config().objective());
    AdamW opt = new AdamW(model.namedParameters(), AdamConfig.torchDefaults(r.lr()).withWeightDecay(0), name -> false);
    TrainConfig tc = TrainConfig.builder(r.steps(), data.batch(), r.lr(), r.seed(), work).optWarmup(r.warmup()).optMinLrRatio(1.0)
        .optClip(1.0).optEval(evalEvery, evalBatches).optCheckpointEvery(0).optKeepCheckpoints(1).build();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("pixart_config", model.config());
    long t0 = System.nanoTime();
    TrainResult result = new Trainer(tc, trainable(model), opt, data).info(info).unit("img").progress(progress).timeBudget(budgetS)
        .precision(precision)
        .stepLoss((step, b) -> stepLoss(model, process, r.seed(), step, b, data))
        .validationLoss((i, b) -> validationLoss(model, process, i, b, data))
        .afterStep(afterStep)
        .run(false);
    return new Run(model, result, (System.nanoTime() - t0) / 1e9);
  }

  /** The training loss of one step (see the class comment). */
  public static Tensor stepLoss(PixArt model, DiffusionProcess process, long seed, long step, Batch b, PixArtData data) {
    Tensor x0 = b.inputs(); // (B, ch, S, S)
    int n = (int) x0.size(0);
    SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
    float[] t = new float[n];
    for (int i = 0; i < n; i++) t[i] = (float) rng.nextDouble();
    boolean[] drop = Guidance.dropMask(n, model.config().condDropout(), rng);
    Tensor eps = gaussian(x0.shape(), seed * 1_000_003L + step); // (B, ch, S, S)
    return loss(model, process, x0, model.drop(data.caption(b.targets()), drop), Tensor.create(t), eps);
  }

  /** ‖model(x_t, modelTime(t), c) − target(x₀, ε, t)‖², mean over every element. */
  public static Tensor loss(PixArt model, DiffusionProcess process, Tensor x0, Caption c, Tensor t, Tensor eps) {
    Tensor xt = process.noised(x0, eps, t); // (B, ch, S, S)
    // float32 prediction whatever the forward's precision, so the squared error reduces in float32
    return process.loss(model.forward(xt, process.modelTime(t), c).to(org.bytedeco.pytorch.global.torch.ScalarType.Float), x0, eps, t);
  }

  /** Validation batch i: t = (j + ½)/B for example j, noise from a generator seeded with i, no dropout. */
  public static Tensor validationLoss(PixArt model, DiffusionProcess process, long i, Batch b, PixArtData data) {
    Tensor x0 = b.inputs();
    int n = (int) x0.size(0);
    float[] t = new float[n];
    for (int j = 0; j < n; j++) t[j] = (j + 0.5f) / n;
    return loss(model, process, x0, data.caption(b.targets()), Tensor.create(t), gaussian(x0.shape(), 7_777L + i));
  }

  /** N(0, 1) of {@code shape} from a generator seeded with {@code seed}. */
  public static Tensor gaussian(long[] shape, long seed) {
    Generator g = torch.createCPUGenerator(seed);
    return torch.normal(0.0, 1.0, shape, new GeneratorOptional(g), new TensorOptions());
  }

  private static Trainable trainable(PixArt model) {
    return new Trainable() {
      @Override
      public Tensor loss(Tensor inputs, Tensor targets) {
        throw new UnsupportedOperationException("PixArt trains through PixArtTraining's step loss");
      }

      @Override
      public Map<String, Tensor> namedParameters() {
        return model.namedParameters();
      }
    };
  }
}
