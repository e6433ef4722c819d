package io.papers4j.vision.iwm;

import java.util.List;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The EMA target encoder update of I-JEPA/IWM: θ̄ ← m·θ̄ + (1 − m)·θ, with m rising linearly from
 * {@code start} (0.996) at step 0 to {@code end} (1.0) at step {@code total}.
 */
public final class Ema {
  private final double start;
  private final double end;
  private final long total;

  public Ema(double start, double end, long total) {
    if (!(start >= 0 && start <= end && end <= 1)) {
      throw new IllegalArgumentException("EMA momentum must satisfy 0 <= start <= end <= 1, got " + start + " → " + end);
    }
    if (total < 1) throw new IllegalArgumentException("EMA schedule needs >= 1 step, got " + total);
    this.start = start;
    this.end = end;
    this.total = total;
  }

  /** Momentum at {@code step} (clamped to the schedule). */
  public double momentum(long step) {
    double f = Math.min(1.0, Math.max(0.0, (double) step / total));
    return start + f * (end - start);
  }

  /** target ← m·target + (1 − m)·online, tensor by tensor (same order and shapes). */
  public static void update(List<Tensor> target, List<Tensor> online, double m) {
    if (target.size() != online.size()) {
      throw new IllegalArgumentException("EMA: " + target.size() + " target tensors vs " + online.size() + " online tensors");
    }
    try (NoGradGuard g = new NoGradGuard()) {
      for (int i = 0; i < target.size(); i++) {
        target.get(i).mul_(new Scalar(m)).add_(online.get(i).detach(), new Scalar(1.0 - m));
      }
    }
  }
}
