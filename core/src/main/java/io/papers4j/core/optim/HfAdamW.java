package io.papers4j.core.optim;

import java.util.Map;
import java.util.function.Predicate;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The Hugging Face {@code transformers} AdamW that GaLore builds on (GaLore's {@code adamw.py}):
 * ε is added to √v without bias correction, the bias correction is folded into the step size, and
 * the decoupled weight decay is applied <em>after</em> the update.
 *
 * <pre>
 * m ← β1·m + (1−β1)·g;   v ← β2·v + (1−β2)·g²
 * p ← p − lr · √(1−β2^t)/(1−β1^t) · m/(√v + ε)
 * p ← p − lr·λ·p                                  (decayed params only)
 * </pre>
 *
 * <p>Subclasses change coordinates by overriding {@link #direction}: GaLore projects the gradient
 * to a low rank, calls {@code super.direction} (moments live in the projected shape), and projects
 * the result back, scaled by α.
 */
public class HfAdamW extends AdamBase {
  public HfAdamW(Map<String, Tensor> params, AdamConfig config, Predicate<String> decays) {
    super(params, config, decays);
  }

  /** Decays every parameter (with the default weight decay 0 of {@link AdamConfig#hfDefaults}). */
  public HfAdamW(Map<String, Tensor> params, AdamConfig config) {
    this(params, config, WeightDecay.ALL);
  }

  /**
   * The update direction d of parameter {@code name} for gradient g, such that {@code p ← p −
   * lr·d}. Here the Adam direction with bias correction folded in ({@link
   * AdamMoments#hfDirection}); moments are keyed by {@code name} and shaped like {@code grad}.
   */
  protected Tensor direction(String name, Tensor param, Tensor grad) {
    return moments(name, grad).hfDirection(grad, config);
  }

  @Override
  protected void update(String name, Tensor p, Tensor g, boolean decay) {
    double lr = config.lr();
    p.add_(direction(name, p, g), new Scalar(-lr));
    if (decay && config.weightDecay() != 0) p.add_(p, new Scalar(-lr * config.weightDecay()));
  }
}
