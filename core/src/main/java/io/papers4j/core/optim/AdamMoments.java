package io.papers4j.core.optim;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Adam state of one tensor: the moments {@code exp_avg} m and {@code exp_avg_sq} v, and the number
 * of updates taken t. The moment tensors are long-lived: they are created with an extra native
 * reference, so the {@code PointerScope} of the step that creates them does not free them.
 *
 * <p>The update directions are exposed separately from applying them, so an optimizer that changes
 * coordinates (GaLore projects the gradient to a low-rank space first and the direction back
 * afterwards) reuses the moment arithmetic unchanged.
 */
public final class AdamMoments {
  final Tensor expAvg;
  final Tensor expAvgSq;
  long step;

  /** Zero moments shaped like {@code like} (same dtype and device). */
  public AdamMoments(Tensor like) {
    this(torch.zeros_like(like), torch.zeros_like(like), 0);
  }

  AdamMoments(Tensor expAvg, Tensor expAvgSq, long step) {
    this.expAvg = expAvg;
    this.expAvgSq = expAvgSq;
    this.step = step;
    expAvg.retainReference();
    expAvgSq.retainReference();
  }

  public Tensor expAvg() {
    return expAvg;
  }

  public Tensor expAvgSq() {
    return expAvgSq;
  }

  /** Updates taken so far (t after the latest update). */
  public long step() {
    return step;
  }

  /** Bytes held by the two moment tensors. */
  public long bytes() {
    return expAvg.nbytes() + expAvgSq.nbytes();
  }

  /**
   * Advances the moments with gradient g and returns the Hugging Face AdamW direction, with bias
   * correction folded into the step size:
   *
   * <pre>
   * t ← t + 1;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
   * d = m / (√v + ε) · √(1−β2^t) / (1−β1^t)
   * </pre>
   *
   * so the parameter update is {@code p ← p − lr·d}. Note ε is added to √v uncorrected, which
   * differs from PyTorch's ε on √v̂ (see {@link #torchDirection}).
   */
  public Tensor hfDirection(Tensor g, AdamConfig c) {
    step++;
    return normalised(expAvg, expAvgSq, g, c).mul_(new Scalar(hfStepSize(1.0, c, step)));
  }

  /**
   * The moment arithmetic every Adam here shares, on moments held anywhere (GaLore keeps them in a
   * low-rank space and may store them in int8): updates {@code m} and {@code v} in place with
   * gradient g and returns N = m / (√v + ε).
   */
  public static Tensor normalised(Tensor m, Tensor v, Tensor g, AdamConfig c) {
    m.mul_(new Scalar(c.beta1())).add_(g, new Scalar(1 - c.beta1()));
    v.mul_(new Scalar(c.beta2())).addcmul_(g, g, new Scalar(1 - c.beta2()));
    return m.div(v.sqrt().add_(new Scalar(c.eps())));
  }

  /** Hugging Face's step size after t updates, bias correction folded in: lr·√(1−β2^t) / (1−β1^t). */
  public static double hfStepSize(double lr, AdamConfig c, long t) {
    return lr * Math.sqrt(1 - Math.pow(c.beta2(), t)) / (1 - Math.pow(c.beta1(), t));
  }

  /**
   * Advances the moments and returns PyTorch's Adam direction:
   *
   * <pre>
   * m̂ = m / (1−β1^t);  v̂ = v / (1−β2^t);  d = m̂ / (√v̂ + ε)
   * </pre>
   */
  public Tensor torchDirection(Tensor g, AdamConfig c) {
    step++;
    expAvg.lerp_(g, new Scalar(1 - c.beta1()));
    expAvgSq.mul_(new Scalar(c.beta2())).addcmul_(g, g, new Scalar(1 - c.beta2()));
    double bc1 = 1 - Math.pow(c.beta1(), step);
    double bc2 = 1 - Math.pow(c.beta2(), step);
    Tensor denom = expAvgSq.sqrt().div_(new Scalar(Math.sqrt(bc2))).add_(new Scalar(c.eps()));
    return expAvg.div(denom).div_(new Scalar(bc1));
  }
}
