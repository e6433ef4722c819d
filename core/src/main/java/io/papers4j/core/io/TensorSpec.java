package io.papers4j.core.io;

import java.util.Arrays;
import org.bytedeco.pytorch.Tensor;

/**
 * The dtype and shape a loader expects for one tensor name.
 *
 * @param dtype element type
 * @param shape dimensions
 */
public record TensorSpec(DType dtype, long[] shape) {
  public TensorSpec {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  public static TensorSpec of(DType dtype, long... shape) {
    return new TensorSpec(dtype, shape);
  }

  /** The spec of an existing tensor (e.g. a model parameter). */
  public static TensorSpec of(Tensor t) {
    return new TensorSpec(DType.of(t.scalar_type()), t.sizes().vec().get());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec s && s.dtype == dtype && Arrays.equals(s.shape, shape);
  }

  @Override
  public int hashCode() {
    return dtype.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return dtype + Arrays.toString(shape);
  }
}
