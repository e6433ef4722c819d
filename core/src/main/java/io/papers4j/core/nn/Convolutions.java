package io.papers4j.core.nn;

import io.papers4j.core.tensor.Engine;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Dense (ungrouped) 1-D and 2-D convolutions that stay exact when oneDNN is on. Every papers4j layer
 * that convolves calls these instead of {@code torch.conv1d/conv2d}.
 *
 * <p>oneDNN's AVX-512 convolution keeps channels in blocks of 16 and pads a count that is not a
 * multiple of 16 in buffers it does not zero ({@link Engine#configureKernels}). The engine keeps
 * oneDNN off, but a bfloat16 region ({@link io.papers4j.core.tensor.Precision#autocast()}) must turn
 * it on for its matmuls, and then a convolution over 1, 3, 7, 8 or 24 channels gave NaN input
 * gradients in 8-10 of 10 poisoned trials here (24 channels: NaN outputs too; 16 and 32: none). So
 * while oneDNN is on, both channel counts are zero-padded up to a multiple of 16 (input, weight and
 * bias) and the extra output channels are cut off again: oneDNN then sees no padded block, the
 * zero channels add nothing to the result, and autograd routes the gradients of the real channels
 * back through the pad. With oneDNN off (the default) this is exactly {@code torch.conv2d}.
 */
public final class Convolutions {
  private static final long BLOCK = 16;

  private Convolutions() {}

  /** x (B, in, H, W), weight (out, in, kh, kw), bias (out) or null → (B, out, H', W'). */
  public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long[] stride, long[] padding, long[] dilation) {
    long in = weight.size(1), out = weight.size(0);
    long padIn = padded(in) - in, padOut = padded(out) - out;
    if (!oneDnnOn() || (padIn == 0 && padOut == 0)) {
      return torch.conv2d(x, weight, optional(bias), stride, padding, dilation, 1);
    }
    Tensor xp = torch.constant_pad_nd(x, new long[] {0, 0, 0, 0, 0, padIn}, new Scalar(0.0)); // (B, in', H, W)
    Tensor wp = torch.constant_pad_nd(weight, new long[] {0, 0, 0, 0, 0, padIn, 0, padOut}, new Scalar(0.0)); // (out', in', kh, kw)
    Tensor bp = bias == null ? null : torch.constant_pad_nd(bias, new long[] {0, padOut}, new Scalar(0.0)); // (out')
    return torch.conv2d(xp, wp, optional(bp), stride, padding, dilation, 1).narrow(1, 0, out); // (B, out, H', W')
  }

  /** x (B, in, T), weight (out, in, k), bias (out) or null → (B, out, T'). */
  public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, long stride, long padding, long dilation) {
    long in = weight.size(1), out = weight.size(0);
    long padIn = padded(in) - in, padOut = padded(out) - out;
    long[] s = {stride}, p = {padding}, d = {dilation};
    if (!oneDnnOn() || (padIn == 0 && padOut == 0)) {
      return torch.conv1d(x, weight, optional(bias), s, p, d, 1);
    }
    Tensor xp = torch.constant_pad_nd(x, new long[] {0, 0, 0, padIn}, new Scalar(0.0)); // (B, in', T)
    Tensor wp = torch.constant_pad_nd(weight, new long[] {0, 0, 0, padIn, 0, padOut}, new Scalar(0.0)); // (out', in', k)
    Tensor bp = bias == null ? null : torch.constant_pad_nd(bias, new long[] {0, padOut}, new Scalar(0.0)); // (out')
    return torch.conv1d(xp, wp, optional(bp), s, p, d, 1).narrow(1, 0, out); // (B, out, T')
  }

  private static boolean oneDnnOn() {
    return torch.globalContext().userEnabledMkldnn();
  }

  private static long padded(long channels) {
    return (channels + BLOCK - 1) / BLOCK * BLOCK;
  }

  private static TensorOptional optional(Tensor t) {
    return t == null ? new TensorOptional() : new TensorOptional(t);
  }
}
