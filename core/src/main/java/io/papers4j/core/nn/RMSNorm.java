package io.papers4j.core.nn;

import java.util.Map;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Root-mean-square norm (Zhang and Sennrich 2019), as in LLaMA:
 *
 * <pre>y = g ⊙ x / sqrt(mean(x²) + ε)</pre>
 *
 * <p>Like Hugging Face's {@code LlamaRMSNorm} the statistics are computed in at least float32
 * (half and bfloat16 inputs are upcast), the normalised value is cast back to the input dtype and
 * only then multiplied by the gain. Shapes: x (…, C) → y (…, C); {@code weight} (C) starts at 1.
 *
 * <p>In float32 {@link #forward} is libtorch's single {@code rms_norm} op, which computes these
 * steps in C++; {@link #forwardOps} is its twin as six separate ops (values equal bit for bit,
 * gradients within 1e-6 relative, tested). The one call matters where the per-call cost dominates:
 * a decode step of a small model runs two norms per layer.
 */
public final class RMSNorm implements Parameterized {
  public final Tensor weight; // (C)
  private final double eps;
  private final long[] shape; // {C}: the normalised dimension
  private final TensorOptional gain; // weight as rms_norm's argument, made once with the weight
  private final DoubleOptional epsArg;

  public RMSNorm(long dim, double eps, Init init) {
    this.weight = init.ones(dim);
    this.eps = eps;
    this.shape = new long[] {dim};
    this.gain = new TensorOptional(weight);
    this.epsArg = new DoubleOptional(eps);
  }

  /**
   * x (…, C) → (…, C); in one libtorch call when x and the weight are float32. Other dtypes take
   * the six ops: with a float32 weight and a bfloat16 x (a q/k norm under autocast) {@code rms_norm}
   * returns bfloat16 where the six ops promote to float32, and with both in bfloat16 it multiplies
   * by the gain before rounding to bfloat16 once, where Hugging Face rounds the normalised value
   * first (both measured against {@link #forwardOps}).
   */
  public Tensor forward(Tensor x) {
    if (x.scalar_type().intern() != ScalarType.Float || weight.scalar_type().intern() != ScalarType.Float) {
      return forwardOps(x);
    }
    return torch.rms_norm(x, shape, gain, epsArg);
  }

  /** The same as six separate ops (the reference twin of {@link #forward}). */
  public Tensor forwardOps(Tensor x) {
    ScalarType in = x.scalar_type().intern();
    boolean low = in == ScalarType.Half || in == ScalarType.BFloat16;
    Tensor h = low ? x.to(ScalarType.Float) : x; // (…, C)
    Tensor variance = h.mul(h).mean(new long[] {-1}, true, new ScalarTypeOptional()); // (…, 1)
    h = h.mul(variance.add(new Scalar(eps)).rsqrt()); // (…, C)
    if (low) h = h.to(in);
    return weight.mul(h);
  }

  public double eps() {
    return eps;
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("weight", weight).map();
  }
}
