package io.papers4j.core.nn;

import java.util.Arrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Several {@link Linear} layers over the same input run as one product in inference: as one
 * matrix-vector product where {@link Linear#linear} runs one row as {@code mv} (batch-1 decoding,
 * gradients and autocast off), and as one autocast {@code linear} inside a bf16 region. The weights
 * (out₁ + out₂ + …, in) and biases are stacked once. Each output element is then the same dot
 * product of one weight row with x as in the separate products (equal bit for bit, tested), and one
 * product costs much less than several at decoding sizes, where the per-call cost dominates
 * (libtorch 2.10, 2 threads: 27 vs 70 µs for three 256 × 256 matrices, 33 vs 77 µs for two 768 ×
 * 256).
 *
 * <p>The stack is a copy, rebuilt when a weight's storage or version counter changes (a loaded
 * checkpoint, an optimizer step), and is kept only up to {@link #MAX_ELEMENTS} elements: small
 * models, whose decode steps are dominated by per-call overhead; for large ones the products dominate
 * and the copy would cost memory. Built under this object's monitor, so threads decoding with one
 * model at once share one stack. Layers with a {@link WeightAdapter} are never stacked.
 */
final class StackedLinear {
  /** The largest stacked weight (elements) kept: 4 Mi, 16 MiB in float32. */
  static final long MAX_ELEMENTS = 1L << 22;

  private final Linear[] parts;
  private Tensor weight; // (Σ out, in) or null
  private Tensor bias; // (Σ out) or null
  private long[] stamp; // storage address and version of each part it was built from, and the dtype

  StackedLinear(Linear... parts) {
    this.parts = parts;
  }

  /**
   * The parts' outputs concatenated on the last dimension, x (…, in) → (…, Σ out), as one product;
   * or null where the products stay separate (gradients on, an adapter, a stack above {@link
   * #MAX_ELEMENTS}, or neither case below).
   *
   * <ul>
   *   <li>One row with autocast off ({@link Linear#runsAsMv}): one matrix-vector product over the
   *       stacked weights.
   *   <li>Inside a CPU autocast region (any number of rows, float32 x and weights): one {@code
   *       linear} over the stacked weights cast once to the autocast dtype, where autocast would
   *       cast x once per part (its cache keeps the parts' cast weights). The product reads the
   *       same bfloat16 operands as the separate ones (tested against them).
   * </ul>
   */
  Tensor forward(Tensor x) {
    Tensor w;
    Tensor b;
    synchronized (this) {
      ScalarType dtype = stackDtype(x);
      if (dtype == null || !refresh(dtype)) return null;
      w = weight;
      b = bias;
    }
    return Linear.linear(x, w, b);
  }

  /** The dtype the stack is kept in for x, or null where the products stay separate. */
  private ScalarType stackDtype(Tensor x) {
    Tensor w0 = parts[0].weight;
    if (Linear.runsAsMv(x, w0)) return w0.scalar_type().intern();
    if (GradMode.is_enabled() || !torch.is_autocast_enabled(DeviceType.CPU)) return null;
    if (x.dim() < 1 || x.size(-1) != w0.size(1)) return null;
    if (x.scalar_type().intern() != ScalarType.Float || w0.scalar_type().intern() != ScalarType.Float) return null;
    ScalarType low = torch.get_autocast_dtype(DeviceType.CPU).intern();
    return low == ScalarType.BFloat16 || low == ScalarType.Half ? low : null;
  }

  private boolean refresh(ScalarType dtype) {
    long rows = 0;
    for (Linear p : parts) {
      if (p.adapter() != null) return false;
      rows += p.weight.size(0);
    }
    if (rows * parts[0].weight.size(1) > MAX_ELEMENTS) return false;
    boolean biased = parts[0].bias != null;
    long[] now = new long[4 * parts.length + 1];
    for (int i = 0; i < parts.length; i++) {
      now[4 * i] = parts[i].weight.data_ptr().address();
      now[4 * i + 1] = parts[i].weight._version();
      if (parts[i].bias != null) {
        now[4 * i + 2] = parts[i].bias.data_ptr().address();
        now[4 * i + 3] = parts[i].bias._version();
      }
      if ((parts[i].bias != null) != biased) return false;
    }
    now[4 * parts.length] = dtype.value;
    if (weight != null && Arrays.equals(now, stamp)) return true;
    try (PointerScope keep = new PointerScope()) {
      TensorVector ws = new TensorVector();
      TensorVector bs = new TensorVector();
      for (Linear p : parts) {
        ws.push_back(p.weight);
        if (biased) bs.push_back(p.bias);
      }
      Tensor w = torch.cat(ws, 0).detach().to(dtype); // (Σ out, in)
      Tensor b = biased ? torch.cat(bs, 0).detach().to(dtype) : null; // (Σ out)
      w.retainReference(); // outlives this scope; released when rebuilt
      if (b != null) b.retainReference();
      if (weight != null) weight.releaseReference();
      if (bias != null) bias.releaseReference();
      weight = w;
      bias = b;
    }
    stamp = now;
    return true;
  }
}
