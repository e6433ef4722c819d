package io.papers4j.core.nn;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Boolean attention masks ({@code true} = may attend) built from absolute positions.
 *
 * <p>Causal: query at position i sees keys j ≤ i. Sliding window W (Mistral, Hugging Face
 * convention {@code kv_idx > q_idx − W}): additionally j > i − W, so each query sees itself and
 * the W − 1 previous tokens. Key positions below 0 mark empty cache slots and are never attended.
 */
public final class AttentionMask {
  private AttentionMask() {}

  /**
   * Mask (Tq, Tk) for query positions (Tq) and key positions (Tk), both int64; {@code window} ≤ 0
   * means no window.
   */
  public static Tensor causal(Tensor queryPositions, Tensor keyPositions, int window) {
    Tensor qp = queryPositions.unsqueeze(1); // (Tq, 1)
    Tensor kp = keyPositions.unsqueeze(0); // (1, Tk)
    Tensor diff = qp.sub(kp); // (Tq, Tk): i − j
    Tensor mask = diff.ge(new Scalar(0)).logical_and(kp.ge(new Scalar(0))); // (Tq, Tk)
    if (window > 0) mask = mask.logical_and(diff.lt(new Scalar((long) window)));
    return mask;
  }

  /** Mask (T, T) for one fresh sequence at positions 0 … T−1. */
  public static Tensor causal(long t, int window) {
    Tensor pos = org.bytedeco.pytorch.global.torch.arange(new Scalar(t));
    return causal(pos, pos, window);
  }
}
