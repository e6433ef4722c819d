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
   * An autocast region (thread-local, nestable). On the last exit libtorch's cache of bfloat16
   * weight copies is cleared, so every training step casts the freshly updated float32 weights.
   */
  public static final class Region implements AutoCloseable {
    private final boolean enable;
    private final boolean wasEnabled;
    private final ScalarType previousDtype;
    private boolean closed;

    private Region(boolean enable) {
      this.enable = enable;
      this.wasEnabled = torch.is_autocast_enabled(DeviceType.CPU);
      this.previousDtype = torch.get_autocast_dtype(DeviceType.CPU);
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
      }
    }
  }
}
