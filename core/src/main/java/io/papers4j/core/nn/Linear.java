package io.papers4j.core.nn;

import java.util.Map;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;

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
    return linear(x, weight, bias);
  }

  /**
   * {@code x Wᵀ + b} (bias may be null): x (…, in), weight (out, in) → (…, out). A single input
   * row (batch-1 decoding: x (1, 1, in)) with gradients off, no autocast and x in the weight's dtype
   * runs as the matrix-vector product {@code mv} it equals: libtorch runs {@code linear} on one row
   * as a matrix-matrix product, measured 3-7× slower here (libtorch 2.10, float32, 2 threads: 521
   * vs 79 µs for the 8192 × 256 LM head of the {@code small} LLaMA, 135 vs 29 µs for 1024 × 256).
   */
  public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
    if (runsAsMv(x, weight)) {
      Tensor row = x.reshape(-1); // (in)
      Tensor y = bias == null ? torch.mv(weight, row) : torch.addmv(bias, weight, row); // (out)
      long[] shape = x.shape();
      shape[shape.length - 1] = weight.size(0);
      return y.view(shape); // (…, out)
    }
    return bias == null
        ? torch.linear(x, weight)
        : torch.linear(x, weight, new TensorOptional(bias)); // (…, out)
  }

  /**
   * Whether {@link #linear} runs {@code x} as a matrix-vector product: one input row, gradients off,
   * autocast off, x in the weight's dtype.
   */
  public static boolean runsAsMv(Tensor x, Tensor weight) {
    long in = weight.size(1);
    return x.dim() >= 1
        && x.size(-1) == in
        && x.numel() == in
        && !GradMode.is_enabled()
        && !torch.is_autocast_enabled(DeviceType.CPU)
        && x.scalar_type().intern() == weight.scalar_type().intern();
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
