package io.papers4j.core.diffusion;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Exponential moving average of parameters, kept outside the optimiser:
 *
 * <pre>θ̄ ← d·θ̄ + (1 − d)·θ</pre>
 *
 * The shadow tensors are detached copies (long-lived, created outside any pointer scope); {@link
 * #copyTo} writes them into the live parameters, e.g. before sampling or saving.
 */
public final class Ema {
  private final Map<String, Tensor> live;
  private final Map<String, Tensor> shadow = new LinkedHashMap<>();
  private final double decay;

  public Ema(Map<String, Tensor> parameters, double decay) {
    if (!(decay >= 0 && decay < 1)) throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + decay);
    this.live = parameters;
    this.decay = decay;
    try (NoGradGuard g = new NoGradGuard()) {
      parameters.forEach((k, v) -> shadow.put(k, v.detach().clone()));
    }
  }

  /** One update after an optimiser step. */
  public void update() {
    try (NoGradGuard g = new NoGradGuard()) {
      for (var e : live.entrySet()) {
        Tensor s = shadow.get(e.getKey());
        s.mul_(new Scalar(decay)).add_(e.getValue().detach(), new Scalar(1 - decay));
      }
    }
  }

  /** The averaged tensors, keyed like the parameters. */
  public Map<String, Tensor> averaged() {
    return shadow;
  }

  /** Overwrites the live parameters with the averages. */
  public void copyTo(Map<String, Tensor> target) {
    try (NoGradGuard g = new NoGradGuard()) {
      for (var e : shadow.entrySet()) {
        Tensor t = target.get(e.getKey());
        if (t == null) throw new IllegalArgumentException("EMA holds '" + e.getKey() + "' but the model has no such parameter");
        t.copy_(e.getValue());
      }
    }
  }

  public double decay() {
    return decay;
  }
}
