package io.papers4j.core.optim;

/**
 * Learning rate as a function of the number of updates already taken. The training loop sets
 * {@code optimizer.setLearningRate(schedule.lr(step))} before update number {@code step + 1}.
 */
@FunctionalInterface
public interface LrSchedule {
  double lr(long step);

  /** The same rate at every step. */
  static LrSchedule constant(double lr) {
    return step -> lr;
  }

  /** Linear warm-up from 0 to {@code peak} over {@code warmup} steps, then constant. */
  static LrSchedule constantWithWarmup(double peak, long warmup) {
    return step -> warmup > 0 && step < warmup ? peak * step / warmup : peak;
  }

  /** See {@link CosineSchedule}. */
  static LrSchedule cosine(double peak, long warmup, long total, double minLrRatio) {
    return new CosineSchedule(peak, warmup, total, minLrRatio);
  }
}
