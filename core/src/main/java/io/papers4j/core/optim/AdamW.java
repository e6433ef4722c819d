package io.papers4j.core.optim;

import java.util.Map;
import java.util.function.Predicate;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * AdamW with PyTorch's semantics ({@code torch.optim.AdamW}, Loshchilov and Hutter 2019), written
 * with libtorch tensor ops so that its state can be checkpointed (the bytedeco binding of the
 * built-in {@code torch::optim::AdamW} exposes no per-parameter state). A test checks it against
 * the built-in one and against a plain-Java reference.
 *
 * <pre>
 * p ← p·(1 − lr·λ)                              (decoupled decay, before the step; decayed params only)
 * m ← β1·m + (1−β1)·g;   v ← β2·v + (1−β2)·g²
 * p ← p − lr · (m/(1−β1^t)) / (√(v/(1−β2^t)) + ε)
 * </pre>
 */
public final class AdamW extends AdamBase {
  public AdamW(Map<String, Tensor> params, AdamConfig config, Predicate<String> decays) {
    super(params, config, decays);
  }

  /** Decays every parameter. */
  public AdamW(Map<String, Tensor> params, AdamConfig config) {
    this(params, config, WeightDecay.ALL);
  }

  @Override
  protected void update(String name, Tensor p, Tensor g, boolean decay) {
    double lr = config.lr();
    if (decay && config.weightDecay() != 0) p.mul_(new Scalar(1 - lr * config.weightDecay()));
    Tensor d = moments(name, p).torchDirection(g, config);
    p.add_(d, new Scalar(-lr));
  }
}
