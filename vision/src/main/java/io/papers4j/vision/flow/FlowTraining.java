package io.papers4j.vision.flow;

import io.papers4j.core.diffusion.DiffusionProcess;
import io.papers4j.core.diffusion.Ema;
import io.papers4j.core.diffusion.FlowSchedule;
import io.papers4j.core.diffusion.Guidance;
import io.papers4j.core.diffusion.RectifiedFlow;
import io.papers4j.core.diffusion.TimeSampler;
import io.papers4j.core.diffusion.VariancePreserving;
import io.papers4j.core.optim.AdamConfig;
import io.papers4j.core.optim.AdamW;
import io.papers4j.core.tensor.Precision;
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
 * Training a flow backbone, top to bottom, on {@link Trainer}'s step hook. One step (SD3 §2-3):
 *
 * <pre>t ~ π (uniform | lognorm(m, s) | mode(s) | cosmap), then t ← α·t/(1 + (α−1)·t) (eq. 23)
 * ε ~ N(0, I); x_t = process.noised(x₀, ε, t)           // rf: (1 − t)·x₀ + t·ε
 * c ← null condition with probability p (10%)           // classifier-free guidance
 * loss = ‖model(x_t, process.modelTime(t), c) − process.target(x₀, ε, t)‖²   // rf: ε − x₀</pre>
 *
 * t, the dropout mask and ε are drawn from generators seeded with (seed, step), so arms that differ
 * only in π see the same images, noise and dropout. Validation: the same loss at fixed, evenly
 * spaced t (uniform in [0, 1], whatever π is) with fixed noise, so arms are compared on one
 * measure. AdamW (β = 0.9, 0.999, no weight decay, minRF's lr 5e-4), constant rate after a short
 * warm-up, gradient clip 1.
 */
public final class FlowTraining {
  private FlowTraining() {}

  /**
   * @param objective rf, eps (ε-prediction, LDM scaled-linear schedule) or v (v-prediction, cosine)
   * @param tSampler training density of t
   * @param trainShift α of eq. 23 applied to the sampled t (1 = none)
   * @param lr peak learning rate (5e-4)
   * @param steps optimizer steps
   * @param warmup linear warm-up steps
   * @param seed seed of t, noise, dropout and data order
   * @param emaDecay decay d of the weight average θ̄ ← d·θ̄ + (1 − d)·θ kept beside the trained
   *     weights (0 = none); samplers and evaluations use the average when there is one
   */
  public record Recipe(String objective, TimeSampler tSampler, double trainShift, double lr, long steps, long warmup, long seed,
      double emaDecay) {
    public Recipe {
      process(objective);
      if (!(trainShift > 0)) throw new IllegalArgumentException("training shift must be > 0, got " + trainShift);
      if (steps < 1) throw new IllegalArgumentException("steps must be >= 1");
      if (!(emaDecay >= 0 && emaDecay < 1)) throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + emaDecay);
    }

    /** Without a weight average. */
    public Recipe(String objective, TimeSampler tSampler, double trainShift, double lr, long steps, long warmup, long seed) {
      this(objective, tSampler, trainShift, lr, steps, warmup, seed, 0);
    }

    public Recipe withEma(double decay) {
      return new Recipe(objective, tSampler, trainShift, lr, steps, warmup, seed, decay);
    }

    public static Recipe rf(TimeSampler t, long steps, long seed) {
      return new Recipe("rf", t, 1.0, 5e-4, steps, Math.min(100, steps / 10), seed);
    }
  }

  /**
   * The trained model (its live, non-averaged weights), the weight average when the recipe keeps one
   * (else null), the loss log and the wall time.
   */
  public record Run(FlowModel model, Ema ema, TrainResult result, double seconds) {
    /** The weights sampling should use: the average when there is one, else the trained weights. */
    public Map<String, Tensor> samplingWeights() {
      return ema != null ? ema.averaged() : model.namedParameters();
    }

    /** Overwrites the live weights with the average (for sampling); nothing when there is none. */
    public FlowModel averaged() {
      if (ema != null) ema.copyTo(model.namedParameters());
      return model;
    }
  }

  /** rf → rectified flow; eps → ε-prediction on the LDM linear schedule; v → v-prediction on the cosine schedule. */
  public static DiffusionProcess process(String objective) {
    return switch (objective) {
      case "rf" -> RectifiedFlow.INSTANCE;
      case "eps" -> VariancePreserving.parse("eps/linear", 1000);
      case "v" -> VariancePreserving.parse("v/cos", 1000);
      default -> throw new IllegalArgumentException("--objective must be rf, eps or v, got " + objective);
    };
  }

  public static Run train(FlowModel model, FlowData data, Recipe r, Path outDir, ProgressBar.Mode progress, int evalEvery, int evalBatches) {
    return train(model, data, r, outDir, progress, evalEvery, evalBatches, Double.POSITIVE_INFINITY);
  }

  /** As above, stopping after the first step that ends past {@code budgetS} seconds ({@link Run#result()} says where). */
  public static Run train(FlowModel model, FlowData data, Recipe r, Path outDir, ProgressBar.Mode progress, int evalEvery,
      int evalBatches, double budgetS) {
    return train(model, data, r, outDir, progress, evalEvery, evalBatches, budgetS, null);
  }

  /**
   * As above, with {@code probe} (may be null) run after every update and after the EMA update, e.g.
   * to sample at chosen steps.
   */
  public static Run train(FlowModel model, FlowData data, Recipe r, Path outDir, ProgressBar.Mode progress, int evalEvery,
      int evalBatches, double budgetS, Trainer.AfterStep probe) {
    return train(model, data, r, outDir, progress, evalEvery, evalBatches, budgetS, probe, Precision.F32);
  }

  /** As above with the forward passes in {@code precision} (bf16 = CPU autocast; float32 weights, AdamW state, EMA, loss). */
  public static Run train(FlowModel model, FlowData data, Recipe r, Path outDir, ProgressBar.Mode progress, int evalEvery,
      int evalBatches, double budgetS, Trainer.AfterStep probe, Precision precision) {
    DiffusionProcess process = process(r.objective());
    if (model.config().prediction().equals("x") && !r.objective().equals("rf")) {
      throw new IllegalArgumentException("clean-image prediction (prediction x) is defined for rectified flow only, got objective " + r.objective());
    }
    AdamW opt = new AdamW(model.namedParameters(), AdamConfig.torchDefaults(r.lr()).withWeightDecay(0), name -> false);
    TrainConfig tc = TrainConfig.builder(r.steps(), data.batch(), r.lr(), r.seed(), outDir).optWarmup(r.warmup())
        .optMinLrRatio(1.0).optClip(1.0).optEval(evalEvery, evalBatches).optCheckpointEvery(0).optKeepCheckpoints(1).build();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("flow_config", model.config());
    info.put("objective", r.objective());
    info.put("t_sampler", r.tSampler().spec());
    info.put("train_shift", r.trainShift());
    info.put("ema_decay", r.emaDecay());
    info.put("precision", precision.id());
    Ema ema = r.emaDecay() > 0 ? new Ema(model.namedParameters(), r.emaDecay()) : null;
    long t0 = System.nanoTime();
    TrainResult result = new Trainer(tc, trainable(model), opt, data).info(info).unit("img").progress(progress).timeBudget(budgetS)
        .precision(precision)
        .stepLoss((step, b) -> stepLoss(model, process, r, step, b, data))
        .validationLoss((i, b) -> validationLoss(model, process, i, b, data))
        .afterStep(done -> {
          if (ema != null) ema.update();
          if (probe != null) probe.after(done);
        })
        .run(false);
    return new Run(model, ema, result, (System.nanoTime() - t0) / 1e9);
  }

  /** The training loss of one step (see the class comment). */
  public static Tensor stepLoss(FlowModel model, DiffusionProcess process, Recipe r, long step, Batch b, FlowData data) {
    Tensor x0 = b.inputs(); // (B, ch, S, S)
    int n = (int) x0.size(0);
    SplittableRandom rng = new SplittableRandom(r.seed() * 0x9E3779B97F4A7C15L + step);
    double[] t = r.tSampler().sample(n, rng);
    if (r.trainShift() != 1.0) for (int i = 0; i < n; i++) t[i] = FlowSchedule.shift(t[i], r.trainShift());
    boolean[] drop = Guidance.dropMask(n, model.config().condDropout(), rng);
    Tensor eps = gaussian(x0.shape(), r.seed() * 1_000_003L + step); // (B, ch, S, S)
    return loss(model, process, x0, data.condition(model.config(), b.targets()), drop, Tensor.create(t).to(torch.ScalarType.Float), eps);
  }

  /** ‖model(x_t, modelTime(t), drop(c)) − target(x₀, ε, t)‖², mean over every element. */
  public static Tensor loss(FlowNet model, DiffusionProcess process, Tensor x0, Cond c, boolean[] drop, Tensor t, Tensor eps) {
    Tensor xt = process.noised(x0, eps, t); // (B, ch, S, S)
    Tensor out = model.forward(xt, process.modelTime(t), drop == null ? c : model.drop(c, drop));
    // float32 prediction whatever the forward's precision, so the squared error reduces in float32
    return process.loss(out.to(torch.ScalarType.Float), x0, eps, t);
  }

  /** Validation batch i: t = (j + ½)/B for example j, noise from a generator seeded with i, no dropout. */
  public static Tensor validationLoss(FlowModel model, DiffusionProcess process, long i, Batch b, FlowData data) {
    Tensor x0 = b.inputs();
    int n = (int) x0.size(0);
    float[] t = new float[n];
    for (int j = 0; j < n; j++) t[j] = (j + 0.5f) / n;
    return loss(model, process, x0, data.condition(model.config(), b.targets()), null, Tensor.create(t), gaussian(x0.shape(), 7_777L + i));
  }

  /** N(0, 1) of {@code shape} from a generator seeded with {@code seed}. */
  public static Tensor gaussian(long[] shape, long seed) {
    Generator g = torch.createCPUGenerator(seed);
    return torch.normal(0.0, 1.0, shape, new GeneratorOptional(g), new TensorOptions());
  }

  private static Trainable trainable(FlowModel model) {
    return new Trainable() {
      @Override
      public Tensor loss(Tensor inputs, Tensor targets) {
        throw new UnsupportedOperationException("flow models train through FlowTraining's step loss");
      }

      @Override
      public Map<String, Tensor> namedParameters() {
        return model.namedParameters();
      }
    };
  }
}
