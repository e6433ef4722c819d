package io.papers4j.core.nn;

import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;

/** Small tensor helpers for the nn tests. */
public final class T {
  private T() {}

  public static double maxDiff(Tensor a, Tensor b) {
    return a.sub(b).abs().max().item_double();
  }

  public static Tensor randn(long seed, ScalarType dtype, long... shape) {
    return torch.normal(
        0.0,
        1.0,
        shape,
        new GeneratorOptional(torch.createCPUGenerator(seed)),
        new TensorOptions().dtype(new ScalarTypeOptional(dtype)));
  }

  public static Tensor arange(long n) {
    return torch.arange(new org.bytedeco.pytorch.Scalar(n));
  }

  public static Tensor arange(long from, long to) {
    return torch.arange(new org.bytedeco.pytorch.Scalar(from), new org.bytedeco.pytorch.Scalar(to));
  }
}
