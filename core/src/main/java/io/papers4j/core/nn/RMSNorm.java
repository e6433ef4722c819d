package io.papers4j.core.nn;

import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Root-mean-square norm (Zhang and Sennrich 2019), as in LLaMA:
 *
 * <pre>y = g ⊙ x / sqrt(mean(x²) + ε)</pre>
 *
 * <p>Like Hugging Face's {@code LlamaRMSNorm} the statistics are computed in at least float32
 * (half and bfloat16 inputs are upcast), the normalised value is cast back to the input dtype and
 * only then multiplied by the gain. Shapes: x (…, C) → y (…, C); {@code weight} (C) starts at 1.
 */
public final class RMSNorm implements Parameterized {
  public final Tensor weight; // (C)
  private final double eps;

  public RMSNorm(long dim, double eps, Init init) {
    this.weight = init.ones(dim);
    this.eps = eps;
  }

  public Tensor forward(Tensor x) {
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
