package io.papers4j.core.diffusion;

import java.util.SplittableRandom;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Condition dropout for classifier-free guidance training: each example's condition is replaced by
 * the null condition with probability p (DiT: 10% of class labels become the extra "null" class;
 * SD3: text embeddings of the empty prompt), so one network learns both v(x, c) and v(x, ∅).
 *
 * <p>The mask comes from {@link Guidance#dropMask}; the replacements keep every other example
 * untouched and return new tensors (inputs are not modified).
 */
public final class ConditionDropout {
  private ConditionDropout() {}

  /** Drops each of n conditions with probability p. */
  public static boolean[] mask(int n, double p, SplittableRandom rng) {
    return Guidance.dropMask(n, p, rng);
  }

  /** Class labels (B) int64 with the dropped ones set to {@code nullLabel} (e.g. numClasses). */
  public static Tensor labels(Tensor labels, long nullLabel, boolean[] drop) {
    if (labels.dim() != 1 || labels.size(0) != drop.length) {
      throw new IllegalArgumentException("labels must be (B) with B = " + drop.length + ", got " + java.util.Arrays.toString(labels.shape()));
    }
    long[] v = new long[drop.length];
    Tensor cpu = labels.to(torch.ScalarType.Long).contiguous();
    for (int i = 0; i < v.length; i++) v[i] = drop[i] ? nullLabel : cpu.get(i).item_long();
    return Tensor.create(v, v.length).clone().to(labels.scalar_type().intern());
  }

  /**
   * Conditions (B, …) (text token features (B, T, D), pooled vectors (B, D), attention masks (B, T))
   * with dropped rows replaced by {@code nullCondition}, shaped like one row (…) or (1, …).
   */
  public static Tensor rows(Tensor conditions, Tensor nullCondition, boolean[] drop) {
    if (conditions.dim() < 1 || conditions.size(0) != drop.length) {
      throw new IllegalArgumentException("conditions must have B = " + drop.length + " rows, got " + java.util.Arrays.toString(conditions.shape()));
    }
    Tensor nul = nullCondition.dim() == conditions.dim() ? nullCondition : nullCondition.unsqueeze(0); // (1, …)
    long[] rowShape = java.util.Arrays.copyOfRange(conditions.shape(), 1, (int) conditions.dim());
    long[] nulShape = java.util.Arrays.copyOfRange(nul.shape(), 1, (int) nul.dim());
    if (nul.size(0) != 1 || !java.util.Arrays.equals(rowShape, nulShape)) {
      throw new IllegalArgumentException("the null condition must be shaped like one row " + java.util.Arrays.toString(rowShape)
          + ", got " + java.util.Arrays.toString(nullCondition.shape()));
    }
    long[] shape = new long[(int) conditions.dim()];
    java.util.Arrays.fill(shape, 1);
    shape[0] = drop.length;
    Tensor where = Tensor.create(drop.clone(), drop.length).clone().reshape(shape); // (B, 1, …) bool
    return torch.where(where, nul.to(conditions.scalar_type().intern()), conditions); // (B, …)
  }
}
