package io.papers4j.core.tensor;

import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Compute precision of a forward pass. {@link #BF16} is libtorch's CPU autocast with bfloat16, the
 * mechanism behind {@code torch.autocast("cpu", dtype=torch.bfloat16)}: inside {@link #autocast()}
 * matmuls, linears and convolutions cast their float32 inputs and weights to bfloat16 (this CPU
 * has AVX-512 BF16), while parameters, their gradients and optimizer state stay float32 (the
 * "master weights") and ops on libtorch's float32 list keep float32. Backward runs outside the
 * region, as in PyTorch, and follows the dtypes recorded by the forward.
 *
 * <p>Losses should reduce in float32: cast logits with {@code .to(Float)} before a cross-entropy.
 *
 * <p><b>Kernels.</b> libtorch runs a bfloat16 matmul fast only through oneDNN, which {@link
 * Engine#configureKernels} turns off for its convolution defect. Measured here (2 threads): a
 * bfloat16 matmul at n = 256 ran at 2.1 GFLOP/s with oneDNN off, and at 314 (n = 1024) and 429
 * GFLOP/s (n = 2048) with it on, against 85 for float32. So a BF16 region turns oneDNN on for its
 * duration, and {@link #kernels()} does the same for the backward pass that follows it. oneDNN's
 * convolution defect (unzeroed channel padding when a channel count is not a multiple of 16) strikes
 * bfloat16 convolutions as well; {@link io.papers4j.core.nn.Convolutions} pads channel counts to
 * multiples of 16 while oneDNN is on, so convolution models are exact under a BF16 region too.
 */
public enum Precision {
  F32("f32"),
  BF16("bf16");

  private final String id;

  Precision(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** "f32" or "bf16" (also "fp32", "float32", "bfloat16"); anything else names the accepted values. */
  public static Precision parse(String s) {
    return switch (s == null ? "" : s.toLowerCase(java.util.Locale.ROOT)) {
      case "f32", "fp32", "float32" -> F32;
      case "bf16", "bfloat16" -> BF16;
      default -> throw new IllegalArgumentException("precision must be f32 or bf16, got '" + s + "'");
    };
  }

  /** A region with this precision on the calling thread; close it to restore the previous state. */
  public Region autocast() {
    return new Region(this == BF16);
  }

  /**
   * The kernels this precision needs outside its autocast region, for the backward pass: oneDNN
   * for BF16 (bfloat16 matmul gradients), nothing for F32.
   */
  public Kernels kernels() {
    if (this == F32) return () -> {};
    Engine.OneDnn k = Engine.oneDnn();
    return k::close;
  }

  /** A kernel scope ({@link #kernels()}); closing it restores the engine's setting. */
  public interface Kernels extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Autocast off on the calling thread until the returned scope closes (a no-op outside a region),
   * for an op that must run in float32 inside a bf16 region, like {@code torch.autocast(enabled=False)}.
   */
  public static Suspended suspend() {
    return new Suspended();
  }

  /** A scope with autocast off ({@link #suspend()}). */
  public static final class Suspended implements AutoCloseable {
    private final boolean wasEnabled = torch.is_autocast_enabled(DeviceType.CPU);

    private Suspended() {
      if (wasEnabled) torch.set_autocast_enabled(DeviceType.CPU, false);
    }

    /** Whether autocast was on when this scope opened. */
    public boolean suspendedAutocast() {
      return wasEnabled;
    }

    @Override
    public void close() {
      if (wasEnabled) torch.set_autocast_enabled(DeviceType.CPU, true);
    }
  }

  /** {@code loss.backward()} on this precision's kernels. */
  public void backward(org.bytedeco.pytorch.Tensor loss) {
    if (this == BF16) {
      try (Engine.OneDnn k = Engine.oneDnn()) {
        loss.backward();
      }
    } else {
      loss.backward();
    }
  }

  /**
   * An autocast region (thread-local, nestable). On the last exit libtorch's cache of bfloat16
   * weight copies is cleared, so every training step casts the freshly updated float32 weights.
   */
  public static final class Region implements AutoCloseable {
    private final boolean enable;
    private final boolean wasEnabled;
    private final ScalarType previousDtype;
    private final Engine.OneDnn kernels;
    private boolean closed;

    private Region(boolean enable) {
      this.enable = enable;
      this.wasEnabled = torch.is_autocast_enabled(DeviceType.CPU);
      this.previousDtype = torch.get_autocast_dtype(DeviceType.CPU);
      this.kernels = enable ? Engine.oneDnn() : null;
      if (enable) {
        torch.set_autocast_dtype(DeviceType.CPU, ScalarType.BFloat16);
        torch.set_autocast_enabled(DeviceType.CPU, true);
        torch.increment_nesting();
      }
    }

    @Override
    public void close() {
      if (closed) return;
      closed = true;
      if (enable) {
        if (torch.decrement_nesting() == 0) torch.clear_cache();
        torch.set_autocast_enabled(DeviceType.CPU, wasEnabled);
        torch.set_autocast_dtype(DeviceType.CPU, previousDtype);
        kernels.close();
      }
    }
  }
}
