package io.papers4j.core.nn;

import io.papers4j.core.tensor.Engine;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Two-dimensional convolution (cross-correlation, as PyTorch's {@code nn.Conv2d}):
 *
 * <pre>y[b, o, i, j] = bias[o] + Σ_c Σ_u Σ_v weight[o, c, u, v] · x_pad[b, c, s·i + u, s·j + v]</pre>
 *
 * <p>Shapes: x (B, in, H, W) → y (B, out, H', W') with H' = ⌊(H + 2p − k_h)/s⌋ + 1 (same for W);
 * {@code weight} (out, in, k_h, k_w) and {@code bias} (out), named {@code weight}/{@code bias} as in
 * PyTorch and diffusers. Zero padding p on every side, one stride s for both axes. Weights start
 * N(0, std²) from {@link Init} (weight first, then a zero bias).
 */
public final class Conv2d implements Parameterized {
  public final Tensor weight; // (out, in, kh, kw)
  public final Tensor bias; // (out) or null
  private final int stride;
  private final int padding;

  static {
    Engine.configureKernels(); // NNPACK and oneDNN off: see there
  }

  /** A square k×k kernel with stride 1 and "same" padding ⌊k/2⌋ (k odd), the UNet default. */
  public Conv2d(long in, long out, int kernel, Init init) {
    this(in, out, kernel, kernel, 1, kernel / 2, true, init);
  }

  public Conv2d(long in, long out, int kernelH, int kernelW, int stride, int padding, boolean bias, Init init) {
    if (in < 1 || out < 1 || kernelH < 1 || kernelW < 1 || stride < 1 || padding < 0) {
      throw new IllegalArgumentException(
          "conv2d needs positive channels, kernel and stride and padding >= 0, got in=" + in + " out=" + out
              + " kernel=" + kernelH + "x" + kernelW + " stride=" + stride + " padding=" + padding);
    }
    this.weight = init.weights(out, in, kernelH, kernelW);
    this.bias = bias ? init.zeros(out) : null;
    this.stride = stride;
    this.padding = padding;
  }

  /** x (B, in, H, W) → (B, out, H', W'). */
  public Tensor forward(Tensor x) {
    if (x.dim() != 4 || x.size(1) != weight.size(1)) {
      throw new IllegalArgumentException(
          "conv2d expects (B, " + weight.size(1) + ", H, W), got " + java.util.Arrays.toString(x.shape()));
    }
    if (x.size(2) + 2L * padding < weight.size(2) || x.size(3) + 2L * padding < weight.size(3)) {
      throw new IllegalArgumentException("conv2d input " + x.size(2) + "×" + x.size(3) + " is smaller than its kernel");
    }
    return Convolutions.conv2d(x, weight, bias, new long[] {stride, stride}, new long[] {padding, padding},
        new long[] {1, 1}); // (B, out, H', W')
  }

  /**
   * Sets weight and bias to zero and returns this layer: diffusers' {@code zero_module}, used for
   * ControlNet's zero convolutions and for new branches that must start as the identity.
   */
  public Conv2d zeroInit() {
    try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
      weight.zero_();
      if (bias != null) bias.zero_();
    }
    return this;
  }

  public long inChannels() {
    return weight.size(1);
  }

  public long outChannels() {
    return weight.size(0);
  }

  public int stride() {
    return stride;
  }

  public int padding() {
    return padding;
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("weight", weight).add("bias", bias).map();
  }
}
