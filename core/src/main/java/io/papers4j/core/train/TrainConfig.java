package io.papers4j.core.train;

import java.nio.file.Path;

/**
 * Hyperparameters of the training loop (the model's and the optimizer's live elsewhere).
 *
 * @param steps total optimizer updates
 * @param batch sequences (or items) per batch; the {@link TrainData} uses it, the loop records it
 * @param lr peak learning rate
 * @param warmup linear warm-up steps (~1-10% of {@code steps})
 * @param minLrRatio cosine floor as a fraction of the peak (0.1 as in LLaMA); 1 gives a constant
 *     rate after warm-up
 * @param clip max global gradient norm (1.0 as in LLaMA); 0 disables clipping
 * @param evalEvery validation every this many steps (0: only at the end)
 * @param evalBatches validation batches per evaluation (more: less noise, slower)
 * @param checkpointEvery checkpoint every this many steps (0: only at the end)
 * @param keepCheckpoints how many recent checkpoints to keep on disk (older ones are deleted)
 * @param seed the run's seed: model init happens before, this seeds libtorch's generator for the
 *     loop (dropout etc.) and is recorded in checkpoints
 * @param outDir where the loss log and checkpoints go
 */
public record TrainConfig(
    long steps,
    int batch,
    double lr,
    long warmup,
    double minLrRatio,
    double clip,
    long evalEvery,
    int evalBatches,
    long checkpointEvery,
    int keepCheckpoints,
    long seed,
    Path outDir) {

  public TrainConfig {
    require(steps >= 1, "steps must be >= 1, got " + steps);
    require(batch >= 1, "batch must be >= 1, got " + batch);
    require(lr >= 0 && Double.isFinite(lr), "lr must be a finite value >= 0, got " + lr);
    require(warmup >= 0 && warmup <= steps, "warmup must be in [0, steps], got " + warmup);
    require(minLrRatio >= 0 && minLrRatio <= 1, "minLrRatio must be in [0, 1], got " + minLrRatio);
    require(clip >= 0, "clip must be >= 0 (0 disables), got " + clip);
    require(evalEvery >= 0, "evalEvery must be >= 0, got " + evalEvery);
    require(evalBatches >= 0, "evalBatches must be >= 0, got " + evalBatches);
    require(checkpointEvery >= 0, "checkpointEvery must be >= 0, got " + checkpointEvery);
    require(keepCheckpoints >= 1, "keepCheckpoints must be >= 1, got " + keepCheckpoints);
    require(outDir != null, "outDir is required");
  }

  /** Sensible defaults around the required values: warm-up 5%, floor 10%, clip 1.0, eval 10x. */
  public static TrainConfig of(long steps, int batch, double lr, long seed, Path outDir) {
    return builder(steps, batch, lr, seed, outDir).build();
  }

  /**
   * A builder with the required values; the rest default as in {@link #of}: warm-up steps/20,
   * cosine floor 0.1, clip 1.0, evaluation and checkpoint every steps/10 on 8 batches, keep 2.
   */
  public static Builder builder(long steps, int batch, double lr, long seed, Path outDir) {
    long every = Math.max(1, steps / 10);
    return new Builder(steps, batch, lr, seed, outDir).optWarmup(steps / 20).optEval(every, 8).optCheckpointEvery(every);
  }

  /** A builder holding this configuration, to change parts of it. */
  public Builder toBuilder() {
    return new Builder(steps, batch, lr, seed, outDir).optWarmup(warmup).optMinLrRatio(minLrRatio).optClip(clip)
        .optEval(evalEvery, evalBatches).optCheckpointEvery(checkpointEvery).optKeepCheckpoints(keepCheckpoints);
  }

  public TrainConfig withSteps(long s) {
    return toBuilder().optSteps(s).optWarmup(Math.min(warmup, s)).build();
  }

  public TrainConfig withEval(long every, int batches) {
    return toBuilder().optEval(every, batches).build();
  }

  public TrainConfig withCheckpointEvery(long every) {
    return toBuilder().optCheckpointEvery(every).build();
  }

  public TrainConfig withSchedule(long warmup, double minLrRatio) {
    return toBuilder().optWarmup(warmup).optMinLrRatio(minLrRatio).build();
  }

  public TrainConfig withClip(double c) {
    return toBuilder().optClip(c).build();
  }

  public TrainConfig withOutDir(Path dir) {
    return toBuilder().optOutDir(dir).build();
  }

  /** Builds a {@link TrainConfig}; {@link #build()} validates every field with a message naming it. */
  public static final class Builder {
    private long steps;
    private final int batch;
    private final double lr;
    private final long seed;
    private Path outDir;
    private long warmup;
    private double minLrRatio = 0.1;
    private double clip = 1.0;
    private long evalEvery;
    private int evalBatches = 8;
    private long checkpointEvery;
    private int keepCheckpoints = 2;

    private Builder(long steps, int batch, double lr, long seed, Path outDir) {
      this.steps = steps;
      this.batch = batch;
      this.lr = lr;
      this.seed = seed;
      this.outDir = outDir;
    }

    public Builder optSteps(long v) { steps = v; return this; }
    /** Linear warm-up steps. */
    public Builder optWarmup(long v) { warmup = v; return this; }
    /** Cosine floor as a fraction of the peak (default 0.1). */
    public Builder optMinLrRatio(double v) { minLrRatio = v; return this; }
    /** Max global gradient norm, 0 = off (default 1.0). */
    public Builder optClip(double v) { clip = v; return this; }
    /** Validation every {@code every} steps on {@code batches} batches. */
    public Builder optEval(long every, int batches) { evalEvery = every; evalBatches = batches; return this; }
    public Builder optCheckpointEvery(long v) { checkpointEvery = v; return this; }
    /** Recent checkpoints kept on disk (default 2). */
    public Builder optKeepCheckpoints(int v) { keepCheckpoints = v; return this; }
    public Builder optOutDir(Path v) { outDir = v; return this; }

    public TrainConfig build() {
      return new TrainConfig(steps, batch, lr, warmup, minLrRatio, clip, evalEvery, evalBatches, checkpointEvery,
          keepCheckpoints, seed, outDir);
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException("TrainConfig: " + message);
  }
}
