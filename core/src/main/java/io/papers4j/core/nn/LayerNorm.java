package io.papers4j.core.nn;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Layer normalisation (Ba et al. 2016):
 *
 * <pre>y = (x − mean(x)) / sqrt(var(x) + ε) ⊙ g + b</pre>
 *
 * <p>over the last dimension (biased variance). Shapes: x (…, C) → y (…, C); {@code weight} (C)
 * starts at 1, {@code bias} (C) at 0 or is absent.
 */
public final class LayerNorm implements Parameterized {
  public final Tensor weight; // (C)
  public final Tensor bias; // (C) or null
  private final double eps;

  public LayerNorm(long dim, double eps, boolean bias, Init init) {
    this.weight = init.ones(dim);
    this.bias = bias ? init.zeros(dim) : null;
    this.eps = eps;
  }

  public Tensor forward(Tensor x) {
    long c = weight.size(0);
    return torch.layer_norm(
        x,
        new long[] {c},
        new TensorOptional(weight),
        bias == null ? new TensorOptional() : new TensorOptional(bias),
        eps,
        false); // (…, C)
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("weight", weight).add("bias", bias).map();
  }
}
