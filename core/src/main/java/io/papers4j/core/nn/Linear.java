package io.papers4j.core.nn;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Affine map {@code y = x Wᵀ + b}.
 *
 * <p>Shapes: x (…, in) → y (…, out); {@code weight} (out, in) exactly as Hugging Face stores it;
 * {@code bias} (out) or absent. Weights start N(0, std²), the bias at 0 ({@link Init}).
 */
public final class Linear implements Parameterized {
  public final Tensor weight; // (out, in)
  public final Tensor bias; // (out) or null
  private WeightAdapter adapter; // null: y = x·weightᵀ + bias

  public Linear(long in, long out, boolean bias, Init init) {
    this.weight = init.weights(out, in);
    this.bias = bias ? init.zeros(out) : null;
  }

  public Tensor forward(Tensor x) {
    if (adapter != null) return adapter.forward(this, x);
    return bias == null
        ? torch.linear(x, weight)
        : torch.linear(x, weight, new TensorOptional(bias)); // (…, out)
  }

  public long inFeatures() {
    return weight.size(1);
  }

  public long outFeatures() {
    return weight.size(0);
  }

  /** Reparameterises the weight (LoRA, W = BA; see {@link WeightAdapter}); null removes it. */
  public void setAdapter(WeightAdapter adapter) {
    this.adapter = adapter;
  }

  public WeightAdapter adapter() {
    return adapter;
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    if (adapter != null) return adapter.namedParameters(this);
    return new Params().add("weight", weight).add("bias", bias).map();
  }
}
