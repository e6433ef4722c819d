package io.papers4j.core.io;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Test helpers: tensors from Java arrays and back. */
final class Tensors {
  private Tensors() {}

  static Tensor floats(float[] values, long... shape) {
    return torch.from_blob(new FloatPointer(values), shape, new TensorOptions(ScalarType.Float))
        .clone();
  }

  static Tensor longs(long[] values, long... shape) {
    return torch.from_blob(new LongPointer(values), shape, new TensorOptions(ScalarType.Long))
        .clone();
  }

  /** All values as doubles (converted by libtorch), row-major. */
  static double[] toDoubles(Tensor t) {
    Tensor d = t.to(ScalarType.Double).contiguous();
    double[] out = new double[(int) d.numel()];
    if (out.length > 0) new DoublePointer(d.data_ptr()).capacity(out.length).get(out);
    return out;
  }
}
