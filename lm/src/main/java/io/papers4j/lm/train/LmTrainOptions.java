package io.papers4j.lm.train;

import io.papers4j.core.io.SaveDtype;
import io.papers4j.core.optim.OptimizerFactory;
import io.papers4j.core.tensor.Precision;
import io.papers4j.core.train.TrainData;
import io.papers4j.lm.llama.LlamaModel;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code papers4j lm train} needs, with the defaults of the {@code tiny} preset on 2
 * CPU cores. Built with {@link #builder(String, long, Path)}; every {@code optX} setter names its
 * default.
 *
 * @param preset model shape from {@code LlamaConfig.preset} ("tiny" ≈ 1M parameters, "small" ≈ 10M)
 * @param corpus corpus name ("kjv")
 * @param vocab BPE vocabulary size; 0 = the preset's vocab_size (2048 for tiny)
 * @param tokenizer an existing tokenizer.json to use instead of training one (null: train on the
 *     training split)
 * @param steps optimizer updates
 * @param batch sequences per batch (16: 2,048 tokens per step at T = 128)
 * @param seq tokens per sequence, T
 * @param lr peak learning rate (3e-3 suits a ~1M model; LLaMA-7B used 3e-4)
 * @param warmup warm-up steps (default 5% of steps when negative)
 * @param minLrRatio cosine floor (0.1, LLaMA)
 * @param clip max gradient norm (1.0, LLaMA)
 * @param weightDecay AdamW decay on matrices (0.1, LLaMA); norms and embeddings are not decayed
 * @param evalEvery validation every N steps (0: steps / 10)
 * @param evalBatches validation batches per evaluation during training (the final one uses all)
 * @param checkpointEvery checkpoint every N steps (0: steps / 5)
 * @param seed model init, batches and split of the run
 * @param out output directory: the final model (config.json, model.safetensors, tokenizer.json),
 *     log.jsonl and checkpoint-NNNNNN/ directories
 * @param resume continue from the newest checkpoint in {@code out}
 * @param timeBudgetS stop after this much wall time (infinite by default)
 * @param optimizer the optimizer (null: LLaMA's AdamW, betas (0.9, 0.95), decay on matrices)
 * @param rope a position-encoding variant for the run (null: the preset's or the loaded model's)
 * @param initFrom start from this model directory's weights (null: a fresh model)
 * @param ropeTheta RoPE base for this run, e.g. raised for long context as Yi's "ABF" (null: keep)
 * @param dataWrapper wraps the corpus windows, e.g. to mix in synthetic documents (null: none)
 * @param slidingWindow a fresh model's attention window W in tokens, Mistral's sliding window (null:
 *     the preset's, full causal attention for tiny and small); a loaded model keeps its own
 * @param precision compute precision of the forward passes (f32; bf16 = CPU autocast with float32
 *     master weights, gradients and optimizer state); checkpoints stay float32
 * @param saveDtype dtype of the final model's weights (f32; bf16 writes BF16 safetensors and {@code
 *     torch_dtype} bfloat16); the resumable checkpoints stay float32 so that resume stays exact
 * @param probe a measurement run after every optimizer update of the model being trained, e.g. the
 *     copy yardstick of the long-context runs (null: none)
 * @param shape a fresh model's layers, width and MLP width instead of the preset's (null: the
 *     preset's); the preset's head count stays, so the width must be a multiple of it. A loaded
 *     model keeps its own
 */
public record LmTrainOptions(
    String preset,
    String corpus,
    int vocab,
    Path tokenizer,
    long steps,
    int batch,
    int seq,
    double lr,
    long warmup,
    double minLrRatio,
    double clip,
    double weightDecay,
    long evalEvery,
    int evalBatches,
    long checkpointEvery,
    long seed,
    Path out,
    boolean resume,
    double timeBudgetS,
    OptimizerFactory<LlamaModel> optimizer,
    RopeChoice rope,
    Path initFrom,
    Double ropeTheta,
    DataWrapper dataWrapper,
    Integer slidingWindow,
    Precision precision,
    SaveDtype saveDtype,
    Probe probe,
    Shape shape) {

  /**
   * The position encoding of a run ({@code --rope NAME --rope-factor S}): a variant of {@code
   * core.nn.pos.RopeConfig#NAMES} for a model trained at {@code --seq} positions and meant for s
   * times as many. It goes into config.json's rope block (and so into every checkpoint).
   */
  public record RopeChoice(String name, double factor) {}

  /**
   * A fresh model's size ({@code --layers N --hidden C --intermediate F}); 0 keeps the preset's
   * value. The long-context base uses 2 layers of width 64, the shape in which content lookup forms
   * within a few hundred steps here.
   */
  public record Shape(int layers, int hidden, int intermediate) {
    public Shape {
      if (layers < 0 || hidden < 0 || intermediate < 0) {
        throw new IllegalArgumentException(
            "--layers, --hidden and --intermediate must be >= 0 (0 = the preset's), got " + layers + ", " + hidden + ", "
                + intermediate);
      }
    }

    /** True when every value is the preset's. */
    public boolean isPreset() {
      return layers == 0 && hidden == 0 && intermediate == 0;
    }
  }

  /**
   * The resolved options a run records as "config" in papers4j.json (serialised with snake_case
   * keys: preset, corpus, steps, batch, seq, lr, warmup, min_lr_ratio, clip, weight_decay, betas,
   * eval_every, eval_batches, checkpoint_every, seed).
   *
   * @param betas AdamW's (β1, β2) of the default optimizer, LLaMA's (0.9, 0.95)
   */
  public record Resolved(String preset, String corpus, long steps, int batch, int seq, double lr, long warmup,
      double minLrRatio, double clip, double weightDecay, List<Double> betas, long evalEvery, int evalBatches,
      long checkpointEvery, long seed) {}

  /** Wraps a run's corpus windows, e.g. to mix in synthetic documents built from its tokens. */
  @FunctionalInterface
  public interface DataWrapper {
    TrainData wrap(TrainData text, CorpusTokens tokens);
  }

  /**
   * Creates the after-step hook of a run once its model and data exist; the hook sees the number of
   * updates done and decides itself when to measure (it must be cheap: it runs inside training).
   */
  @FunctionalInterface
  public interface Probe {
    io.papers4j.core.train.Trainer.AfterStep start(LlamaModel model, CorpusTokens tokens, Path out);
  }

  public LmTrainOptions {
    if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
    if (batch < 1 || seq < 2) throw new IllegalArgumentException("--batch must be >= 1 and --seq >= 2");
    if (out == null) throw new IllegalArgumentException("--out is required");
    if (ropeTheta != null && !(ropeTheta > 0)) throw new IllegalArgumentException("--rope-theta must be > 0, got " + ropeTheta);
    if (slidingWindow != null && slidingWindow < 0) throw new IllegalArgumentException("--sliding-window must be >= 0, got " + slidingWindow);
    if (precision == null) precision = Precision.F32;
    if (saveDtype == null) saveDtype = SaveDtype.F32;
  }

  /** Defaults for {@code preset} writing to {@code out}. */
  public static LmTrainOptions defaults(String preset, long steps, Path out) {
    return builder(preset, steps, out).build();
  }

  /** A builder with the required values; everything else at its documented default. */
  public static Builder builder(String preset, long steps, Path out) {
    return new Builder(preset, steps, out);
  }

  /** A builder holding these options, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder(preset, steps, out);
    b.corpus = corpus;
    b.vocab = vocab;
    b.tokenizer = tokenizer;
    b.batch = batch;
    b.seq = seq;
    b.lr = lr;
    b.warmup = warmup;
    b.minLrRatio = minLrRatio;
    b.clip = clip;
    b.weightDecay = weightDecay;
    b.evalEvery = evalEvery;
    b.evalBatches = evalBatches;
    b.checkpointEvery = checkpointEvery;
    b.seed = seed;
    b.resume = resume;
    b.timeBudgetS = timeBudgetS;
    b.optimizer = optimizer;
    b.rope = rope;
    b.initFrom = initFrom;
    b.ropeTheta = ropeTheta;
    b.dataWrapper = dataWrapper;
    b.slidingWindow = slidingWindow;
    b.precision = precision;
    b.saveDtype = saveDtype;
    b.probe = probe;
    b.shape = shape;
    return b;
  }

  /** These options with warm-up, evaluation and checkpoint intervals resolved. */
  public Resolved resolved() {
    return new Resolved(preset, corpus, steps, batch, seq, lr, resolvedWarmup(), minLrRatio, clip, weightDecay,
        List.of(0.9, 0.95), resolvedEvalEvery(), evalBatches, resolvedCheckpointEvery(), seed);
  }

  public long resolvedWarmup() {
    return warmup >= 0 ? Math.min(warmup, steps) : steps / 20;
  }

  public long resolvedEvalEvery() {
    return evalEvery > 0 ? evalEvery : Math.max(1, steps / 10);
  }

  public long resolvedCheckpointEvery() {
    return checkpointEvery > 0 ? checkpointEvery : Math.max(1, steps / 5);
  }

  public LmTrainOptions withTimeBudget(double s) {
    return toBuilder().optTimeBudgetS(s).build();
  }

  /** Builds {@link LmTrainOptions}; the constructor validates on {@link #build()}. */
  public static final class Builder {
    private final String preset;
    private final long steps;
    private final Path out;
    private String corpus = "kjv";
    private int vocab = 0;
    private Path tokenizer;
    private int batch = 16;
    private int seq = 128;
    private double lr = 3e-3;
    private long warmup = -1;
    private double minLrRatio = 0.1;
    private double clip = 1.0;
    private double weightDecay = 0.1;
    private long evalEvery = 0;
    private int evalBatches = 8;
    private long checkpointEvery = 0;
    private long seed = 0;
    private boolean resume;
    private double timeBudgetS = Double.POSITIVE_INFINITY;
    private OptimizerFactory<LlamaModel> optimizer;
    private RopeChoice rope;
    private Path initFrom;
    private Double ropeTheta;
    private DataWrapper dataWrapper;
    private Integer slidingWindow;
    private Shape shape;
    private Precision precision = Precision.F32;
    private SaveDtype saveDtype = SaveDtype.F32;
    private Probe probe;

    private Builder(String preset, long steps, Path out) {
      this.preset = preset;
      this.steps = steps;
      this.out = out;
    }

    /** Corpus name (default "kjv"). */
    public Builder optCorpus(String v) { corpus = v; return this; }
    /** BPE vocabulary size (default 0 = the preset's). */
    public Builder optVocab(int v) { vocab = v; return this; }
    /** An existing tokenizer.json (default: train one). */
    public Builder optTokenizer(Path v) { tokenizer = v; return this; }
    /** Sequences per batch (default 16). */
    public Builder optBatch(int v) { batch = v; return this; }
    /** Tokens per sequence (default 128). */
    public Builder optSeq(int v) { seq = v; return this; }
    /** Peak learning rate (default 3e-3). */
    public Builder optLr(double v) { lr = v; return this; }
    /** Warm-up steps (default -1 = 5% of steps). */
    public Builder optWarmup(long v) { warmup = v; return this; }
    /** Cosine floor / peak (default 0.1). */
    public Builder optMinLrRatio(double v) { minLrRatio = v; return this; }
    /** Max gradient norm, 0 = off (default 1.0). */
    public Builder optClip(double v) { clip = v; return this; }
    /** AdamW decay on matrices (default 0.1). */
    public Builder optWeightDecay(double v) { weightDecay = v; return this; }
    /** Validate every N steps (default 0 = steps / 10). */
    public Builder optEvalEvery(long v) { evalEvery = v; return this; }
    /** Validation batches per evaluation (default 8). */
    public Builder optEvalBatches(int v) { evalBatches = v; return this; }
    /** Checkpoint every N steps (default 0 = steps / 5). */
    public Builder optCheckpointEvery(long v) { checkpointEvery = v; return this; }
    /** Seed (default 0). */
    public Builder optSeed(long v) { seed = v; return this; }
    /** Continue from the newest checkpoint in out (default false). */
    public Builder optResume(boolean v) { resume = v; return this; }
    /** Wall-time budget in seconds (default infinite). */
    public Builder optTimeBudgetS(double v) { timeBudgetS = v; return this; }
    /** Optimizer (default null = LLaMA's AdamW). */
    public Builder optOptimizer(OptimizerFactory<LlamaModel> v) { optimizer = v; return this; }
    /** Position-encoding variant (default null = unchanged). */
    public Builder optRope(RopeChoice v) { rope = v; return this; }
    /** Initial weights (default null = fresh). */
    public Builder optInitFrom(Path v) { initFrom = v; return this; }
    /** RoPE base θ (default null = unchanged). */
    public Builder optRopeTheta(Double v) { ropeTheta = v; return this; }
    /** Wraps the training data (default null = none). */
    public Builder optDataWrapper(DataWrapper v) { dataWrapper = v; return this; }
    /** Sliding attention window of a fresh model (default null = the preset's; 0 = full attention). */
    public Builder optSlidingWindow(Integer v) { slidingWindow = v; return this; }
    /** A fresh model's layers, width and MLP width (default null = the preset's). */
    public Builder optShape(Shape v) { shape = v; return this; }
    /** Compute precision of the forward passes (default f32). */
    public Builder optPrecision(Precision v) { precision = v; return this; }
    /** Dtype of the final model's weights (default f32). */
    public Builder optSaveDtype(SaveDtype v) { saveDtype = v; return this; }
    /** A measurement after every update (default null = none). */
    public Builder optProbe(Probe v) { probe = v; return this; }

    public LmTrainOptions build() {
      return new LmTrainOptions(preset, corpus, vocab, tokenizer, steps, batch, seq, lr, warmup, minLrRatio, clip,
          weightDecay, evalEvery, evalBatches, checkpointEvery, seed, out, resume, timeBudgetS, optimizer, rope,
          initFrom, ropeTheta, dataWrapper, slidingWindow, precision, saveDtype, probe, shape);
    }
  }
}
