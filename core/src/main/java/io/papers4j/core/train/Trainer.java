package io.papers4j.core.train;

import io.papers4j.core.optim.CosineSchedule;
import io.papers4j.core.optim.GradClip;
import io.papers4j.core.optim.LrSchedule;
import io.papers4j.core.optim.Optimizer;
import io.papers4j.core.tensor.NativeExit;
import io.papers4j.core.tensor.Precision;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The training loop: a plain script over a {@link Trainable}, an {@link Optimizer} and {@link
 * TrainData}. Per step, inside one {@code PointerScope} (DESIGN.md trap 2: every temporary of the
 * step is freed when it closes; the loss is read out as a Java float before):
 *
 * <pre>
 * lr ← schedule(step); zero grads; loss = model.loss(batch(step)); backward;
 * clip to global norm; optimizer.step()
 * </pre>
 *
 * then the progress bar, the loss log ({@code OUT/log.jsonl}), a validation pass every {@code
 * evalEvery} steps (mean loss and perplexity over {@code evalBatches} fixed batches) and a
 * checkpoint every {@code checkpointEvery} steps ({@link TrainCheckpoint}). {@link #run(boolean)}
 * with {@code resume} continues from the newest checkpoint and gives the same losses, bit for bit
 * on CPU, as a run that was never interrupted.
 *
 * <pre>{@code
 * TrainConfig cfg = TrainConfig.of(1000, 16, 3e-3, 42, Path.of("runs/tiny"));
 * Optimizer opt = new AdamW(model.namedParameters(), AdamConfig.llama(cfg.lr()), WeightDecay.EXCLUDE_NORMS_BIASES_EMBEDDINGS);
 * TrainResult r = new Trainer(cfg, model, opt, data).run(false);
 * }</pre>
 */
public final class Trainer {
  /**
   * The loss of one step, the hook through which a method that is not "model.loss(inputs, targets)"
   * reuses the loop: a diffusion model samples its timesteps and noise from {@code step} (so resume
   * stays exact), an RL method computes its policy loss on rollouts it drew for this step. Called
   * inside the step's {@code PointerScope}; must return a scalar that backward can run through.
   */
  @FunctionalInterface
  public interface StepLoss {
    Tensor loss(long step, Batch batch);
  }

  /**
   * Runs after every optimizer update, inside its own {@code PointerScope}, with the number of
   * updates done so far: an EMA of the weights ({@code core.diffusion.Ema}), a probe that evaluates
   * at chosen steps. Not called for the steps a resumed run skips.
   */
  @FunctionalInterface
  public interface AfterStep {
    void after(long done);
  }

  private final TrainConfig config;
  private final Trainable model;
  private final Optimizer optimizer;
  private final TrainData data;
  private LrSchedule schedule;
  private TrainCheckpoint.Extra extra;
  private Map<String, Object> info = new LinkedHashMap<>();
  private String unit = "tok";
  private ProgressBar.Mode progressMode = ProgressBar.detectMode();
  private long stopAt = Long.MAX_VALUE;
  private double timeBudgetS = Double.POSITIVE_INFINITY;
  private StepLoss stepLoss;
  private StepLoss validationLoss;
  private AfterStep afterStep;
  private Precision precision = Precision.F32;

  public Trainer(TrainConfig config, Trainable model, Optimizer optimizer, TrainData data) {
    this.config = config;
    this.model = model;
    this.optimizer = optimizer;
    this.data = data;
    this.schedule = new CosineSchedule(config.lr(), config.warmup(), config.steps(), config.minLrRatio());
  }

  /** Replaces the default schedule (cosine with warm-up from the config). */
  public Trainer schedule(LrSchedule s) {
    this.schedule = s;
    return this;
  }

  /** Adds files (e.g. config.json, tokenizer.json) to every checkpoint. */
  public Trainer extraFiles(TrainCheckpoint.Extra e) {
    this.extra = e;
    return this;
  }

  /** Anything to record in every checkpoint's trainer_state.json (the resolved run config). */
  public Trainer info(Map<String, Object> m) {
    this.info = new LinkedHashMap<>(m);
    return this;
  }

  /** What {@link Batch#items} counts, for the throughput on the progress bar ("tok", "img"). */
  public Trainer unit(String u) {
    this.unit = u;
    return this;
  }

  /**
   * Stops after update {@code step} (writing a checkpoint there) although the schedule runs to
   * {@code config.steps()}: an interruption on purpose, e.g. to split a run across sessions.
   */
  public Trainer stopAt(long step) {
    this.stopAt = step;
    return this;
  }

  /**
   * Stops (with a final evaluation and checkpoint) after the first step that ends past {@code
   * seconds} of wall time in this run; {@link TrainResult#steps()} then tells how far it got.
   */
  public Trainer timeBudget(double seconds) {
    this.timeBudgetS = seconds;
    return this;
  }

  /** Replaces {@code model.loss(inputs, targets)} for training steps (see {@link StepLoss}). */
  public Trainer stepLoss(StepLoss loss) {
    this.stepLoss = loss;
    return this;
  }

  /**
   * Replaces {@code model.loss(inputs, targets)} for validation batch {@code i} (called with {@code
   * step = i}); the reported perplexity is exp of the mean of these losses.
   */
  public Trainer validationLoss(StepLoss loss) {
    this.validationLoss = loss;
    return this;
  }

  /** Adds a hook run after every optimizer update (see {@link AfterStep}). */
  public Trainer afterStep(AfterStep hook) {
    this.afterStep = hook;
    return this;
  }

  /**
   * Compute precision of the forward passes (training and validation): {@link Precision#BF16} runs
   * them under CPU autocast while weights, gradients and optimizer state stay float32.
   */
  public Trainer precision(Precision p) {
    this.precision = p;
    return this;
  }

  public Trainer progress(ProgressBar.Mode mode) {
    this.progressMode = mode;
    return this;
  }

  /**
   * Trains to {@code config.steps()}. With {@code resume}, continues from the newest checkpoint in
   * the out directory (or starts fresh, saying so, when there is none).
   */
  public TrainResult run(boolean resume) {
    Map<String, Tensor> params = model.namedParameters();
    Path out = config.outDir();
    long start = 0;
    long items = 0;
    long itemsBefore = 0;
    double elapsedBefore = 0;
    LossLog log;
    Optional<Path> ckpt = resume ? TrainCheckpoint.latest(out) : Optional.empty();
    if (ckpt.isPresent()) {
      TrainCheckpoint.Restored r = TrainCheckpoint.load(ckpt.get(), params, optimizer::loadStateTensors);
      start = r.step();
      items = r.items();
      itemsBefore = items;
      elapsedBefore = r.elapsedS();
      log = LossLog.resume(out, start);
      System.err.println("resuming from " + ckpt.get() + " (step " + start + ")");
    } else {
      if (resume) System.err.println("no checkpoint in " + out + "; starting from step 0");
      torch.manual_seed(config.seed());
      log = LossLog.create(out);
    }
    Map<String, Object> ckptInfo = new LinkedHashMap<>(info);
    ckptInfo.put("seed", config.seed());
    ckptInfo.put("train_config", describe(config));
    ckptInfo.put("precision", precision.id());

    // perplexity means something only for a token-level cross-entropy; image and audio losses show the loss itself
    boolean tokens = unit.equals("tok");
    long t0 = System.nanoTime();
    model.train(true);
    try (log;
        ProgressBar bar =
            new ProgressBar("train", config.steps(), unit, System.err, progressMode, System::nanoTime, 10_000_000_000L)
                .resumedAt(start)) {
      if (start == 0 && config.evalBatches() > 0) log.add(evaluate(0));
      double lastVal = Double.NaN;
      long end = Math.min(config.steps(), stopAt);
      for (long step = start; step < end; step++) {
        double lr = schedule.lr(step);
        optimizer.setLearningRate(lr);
        float loss;
        double gradNorm = Double.NaN;
        long batchItems;
        try (NativeExit.Step gate = NativeExit.step();
            PointerScope scope = new PointerScope()) {
          Batch b = data.train(step);
          batchItems = b.items();
          optimizer.zeroGrad();
          Tensor l;
          try (Precision.Region cast = precision.autocast()) {
            l = stepLoss != null ? stepLoss.loss(step, b) : model.loss(b.inputs(), b.targets());
          }
          precision.backward(l); // bf16: on the kernels the forward's bfloat16 matmuls need
          if (config.clip() > 0) gradNorm = GradClip.clipGlobalNorm(params.values(), config.clip());
          optimizer.step();
          loss = l.item_float();
        }
        long done = step + 1;
        if (!Float.isFinite(loss)) {
          throw new IllegalStateException(
              "training diverged: loss is " + loss + " at step " + done + " (lr " + lr
                  + "); lower the learning rate or enable clipping");
        }
        if (afterStep != null) {
          try (NativeExit.Step gate = NativeExit.step();
              PointerScope scope = new PointerScope()) {
            afterStep.after(done);
          }
        }
        items += batchItems;
        double elapsed = elapsedBefore + (System.nanoTime() - t0) / 1e9;
        log.add(new LossLog.TrainPoint(done, loss, lr, gradNorm, items, elapsed));
        boolean outOfTime = (System.nanoTime() - t0) / 1e9 > timeBudgetS && done < end;
        if (outOfTime) bar.log("time budget of " + timeBudgetS + " s used up after step " + done);
        boolean last = done == config.steps() || outOfTime;
        if (config.evalBatches() > 0 && (last || (config.evalEvery() > 0 && done % config.evalEvery() == 0))) {
          LossLog.EvalPoint e = evaluate(done);
          log.add(e);
          lastVal = tokens ? e.perplexity() : e.loss();
          bar.log(tokens ? String.format(Locale.ROOT, "step %d: val loss %.4f, val ppl %.2f", done, e.loss(), e.perplexity())
              : String.format(Locale.ROOT, "step %d: val loss %.4f", done, e.loss()));
        }
        if (Double.isNaN(lastVal)) bar.update(done, loss, batchItems, "lr", lr);
        else bar.update(done, loss, batchItems, "lr", lr, tokens ? "val_ppl" : "val_loss", String.format(Locale.ROOT, tokens ? "%.2f" : "%.4f", lastVal));
        if (last || done == end || (config.checkpointEvery() > 0 && done % config.checkpointEvery() == 0)) {
          TrainCheckpoint.write(out, done, params, optimizer.stateTensors(), items,
              elapsedBefore + (System.nanoTime() - t0) / 1e9, ckptInfo, config.keepCheckpoints(), extra);
        }
        if (outOfTime) break;
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      return new TrainResult(log.train(), log.eval(), start, seconds, items - itemsBefore);
    }
  }

  /** Mean loss over the first {@code evalBatches} validation batches, without autograd. */
  public LossLog.EvalPoint evaluate(long step) {
    int n = Math.min(config.evalBatches(), data.validationBatches());
    if (n <= 0) return new LossLog.EvalPoint(step, Double.NaN, Double.NaN);
    model.train(false);
    double sum = 0;
    try {
      for (int i = 0; i < n; i++) {
        try (NativeExit.Step gate = NativeExit.step();
            PointerScope scope = new PointerScope();
            NoGradGuard noGrad = new NoGradGuard()) {
          Batch b = data.validation(i);
          Tensor l;
          try (Precision.Region cast = precision.autocast()) {
            l = validationLoss != null ? validationLoss.loss(i, b) : model.loss(b.inputs(), b.targets());
          }
          sum += l.item_double();
        }
      }
    } finally {
      model.train(true);
    }
    double mean = sum / n;
    return new LossLog.EvalPoint(step, mean, Math.exp(mean));
  }

  private static Map<String, Object> describe(TrainConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("steps", c.steps());
    m.put("batch", c.batch());
    m.put("lr", c.lr());
    m.put("warmup", c.warmup());
    m.put("min_lr_ratio", c.minLrRatio());
    m.put("clip", c.clip());
    m.put("eval_every", c.evalEvery());
    m.put("eval_batches", c.evalBatches());
    m.put("checkpoint_every", c.checkpointEvery());
    m.put("seed", c.seed());
    return m;
  }
}
