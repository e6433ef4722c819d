package io.papers4j.core.optim;

/**
 * Linear warm-up then cosine decay to a floor, as in LLaMA (§2.3: warm-up 2,000 steps, final rate
 * 10% of the peak) and GaLore's {@code get_cosine_schedule_with_min_lr} (Hugging Face step
 * convention: the rate for the update after {@code s} updates is):
 *
 * <pre>
 * s &lt; W:        lr = peak · s / W
 * W ≤ s &lt; S:    lr = peak · (r + (1 − r) · ½(1 + cos(π · (s − W)/(S − W))))
 * s ≥ S:        lr = peak · r
 * </pre>
 *
 * @param peak the peak rate reached at the end of warm-up
 * @param warmup W, warm-up steps (~1-10% of training)
 * @param total S, the step at which the floor is reached (usually the number of training steps)
 * @param minLrRatio r, floor as a fraction of the peak (0.1 in LLaMA and GaLore)
 */
public record CosineSchedule(double peak, long warmup, long total, double minLrRatio) implements LrSchedule {
  public CosineSchedule {
    if (!(peak >= 0)) throw new IllegalArgumentException("cosine schedule: peak lr must be >= 0, got " + peak);
    if (warmup < 0 || total < 1 || warmup > total) {
      throw new IllegalArgumentException(
          "cosine schedule: need 0 <= warmup <= total and total >= 1, got warmup " + warmup + ", total " + total);
    }
    if (minLrRatio < 0 || minLrRatio > 1) {
      throw new IllegalArgumentException("cosine schedule: min lr ratio must be in [0, 1], got " + minLrRatio);
    }
  }

  @Override
  public double lr(long step) {
    if (step < warmup) return peak * step / warmup;
    if (step >= total) return peak * minLrRatio;
    double progress = (double) (step - warmup) / (total - warmup);
    double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
    return peak * (minLrRatio + (1 - minLrRatio) * cosine);
  }
}
