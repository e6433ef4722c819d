package io.papers4j.lm.galore;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Test helpers: tensors ⇄ float arrays. */
final class TensorData {
  private TensorData() {}

  static float[] floats(Tensor t) {
    Tensor c = t.detach().contiguous().to(torch.ScalarType.Float);
    float[] out = new float[(int) c.numel()];
    c.data_ptr_float().get(out);
    return out;
  }

  static Tensor tensor(float[] v, long... shape) {
    Tensor t = torch.empty(shape);
    t.data_ptr_float().put(v);
    return t;
  }

  static double maxAbsDiff(Tensor a, Tensor b) {
    float[] x = floats(a);
    float[] y = floats(b);
    if (x.length != y.length) throw new AssertionError("sizes differ: " + x.length + " vs " + y.length);
    double d = 0;
    for (int i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
    return d;
  }
}
