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
    long every = Math.max(1, steps / 10);
    return new TrainConfig(steps, batch, lr, steps / 20, 0.1, 1.0, every, 8, every, 2, seed, outDir);
  }

  public TrainConfig withSteps(long s) {
    return new TrainConfig(s, batch, lr, Math.min(warmup, s), minLrRatio, clip, evalEvery, evalBatches,
        checkpointEvery, keepCheckpoints, seed, outDir);
  }

  public TrainConfig withEval(long every, int batches) {
    return new TrainConfig(steps, batch, lr, warmup, minLrRatio, clip, every, batches,
        checkpointEvery, keepCheckpoints, seed, outDir);
  }

  public TrainConfig withCheckpointEvery(long every) {
    return new TrainConfig(steps, batch, lr, warmup, minLrRatio, clip, evalEvery, evalBatches,
        every, keepCheckpoints, seed, outDir);
  }

  public TrainConfig withSchedule(long warmup, double minLrRatio) {
    return new TrainConfig(steps, batch, lr, warmup, minLrRatio, clip, evalEvery, evalBatches,
        checkpointEvery, keepCheckpoints, seed, outDir);
  }

  public TrainConfig withClip(double c) {
    return new TrainConfig(steps, batch, lr, warmup, minLrRatio, c, evalEvery, evalBatches,
        checkpointEvery, keepCheckpoints, seed, outDir);
  }

  public TrainConfig withOutDir(Path dir) {
    return new TrainConfig(steps, batch, lr, warmup, minLrRatio, clip, evalEvery, evalBatches,
        checkpointEvery, keepCheckpoints, seed, dir);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException("TrainConfig: " + message);
  }
}
