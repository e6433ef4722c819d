package io.papers4j.speech.naturalspeech3;

import io.papers4j.core.nn.Convolutions;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.LayerNorm;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** The convolutional and attention building blocks of FACodec (6(b) of the spec), at any width. */
final class Layers {
  private Layers() {}

  /** N(0, 1/fanIn) weights: unit-variance activations through a stack (He-style, linear gain). */
  static Tensor fanIn(Init init, long fanIn, long... shape) {
    Tensor w = init.weights(shape);
    try (NoGradGuard g = new NoGradGuard()) {
      w.mul_(new Scalar(1.0 / (init.std() * Math.sqrt(fanIn))));
    }
    return w;
  }

  static Linear linear(Init init, long in, long out) {
    Linear l = new Linear(in, out, true, init);
    try (NoGradGuard g = new NoGradGuard()) {
      l.weight.mul_(new Scalar(1.0 / (init.std() * Math.sqrt(in))));
    }
    return l;
  }

  /** 1-D convolution over (B, C, T); "same" padding when stride is 1, length/stride otherwise. */
  static final class Conv implements Parameterized {
    final Tensor weight; // (out, in, k)
    final Tensor bias; // (out)
    final int stride, dilation, pad;

    Conv(Init init, long in, long out, int k, int stride, int dilation) {
      this.weight = fanIn(init, in * k, out, in, k);
      this.bias = init.zeros(out);
      this.stride = stride;
      this.dilation = dilation;
      this.pad = stride == 1 ? dilation * (k - 1) / 2 : (stride + 1) / 2;
    }

    Tensor forward(Tensor x) { // (B, in, T) → (B, out, T/stride)
      return Convolutions.conv1d(x, weight, bias, stride, pad, dilation);
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      return new Params().add("weight", weight).add("bias", bias).map();
    }
  }

  /** Snake activation x + sin²(αx)/α with a learnable α per channel (BigVGAN/DAC). */
  static final class Snake implements Parameterized {
    final Tensor alpha; // (1, C, 1)

    Snake(Init init, long channels) {
      Tensor a = init.ones(1, channels, 1);
      this.alpha = a;
    }

    Tensor forward(Tensor x) { // (B, C, T)
      Tensor s = torch.sin(x.mul(alpha));
      return x.add(s.mul(s).div(alpha.add(new Scalar(1e-9))));
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      return new Params().add("alpha", alpha).map();
    }
  }

  /** x + conv1×1(snake(conv_k,dilated(snake(x)))). */
  static final class ResUnit implements Parameterized {
    final Snake act1, act2;
    final Conv conv1, conv2;

    ResUnit(Init init, long ch, int kernel, int dilation) {
      act1 = new Snake(init, ch);
      conv1 = new Conv(init, ch, ch, kernel, 1, dilation);
      act2 = new Snake(init, ch);
      conv2 = new Conv(init, ch, ch, 1, 1, 1);
    }

    Tensor forward(Tensor x) {
      return x.add(conv2.forward(act2.forward(conv1.forward(act1.forward(x)))));
    }

    /** Frames each side that one output frame depends on. */
    int reach() {
      return conv1.pad;
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      return new Params().add("act1", act1).add("conv1", conv1).add("act2", act2).add("conv2", conv2).map();
    }
  }

  /** Pre-norm Transformer encoder layer (self-attention + GELU MLP), on (B, T, C). */
  static final class TransformerLayer implements Parameterized {
    final LayerNorm norm1, norm2;
    final Linear qkv, proj, fc1, fc2;
    final int heads;

    TransformerLayer(Init init, long dim, int heads, long ffn) {
      this.heads = heads;
      norm1 = new LayerNorm(dim, 1e-5, true, init);
      qkv = linear(init, dim, 3 * dim);
      proj = linear(init, dim, dim);
      norm2 = new LayerNorm(dim, 1e-5, true, init);
      fc1 = linear(init, dim, ffn);
      fc2 = linear(init, ffn, dim);
    }

    /** {@code keyMask}: (B, 1, 1, T) bool, true where a key may be attended; null = all. */
    Tensor forward(Tensor x, Tensor keyMask) {
      long b = x.size(0), t = x.size(1), c = x.size(2), d = c / heads;
      Tensor q3 = qkv.forward(norm1.forward(x)).view(b, t, 3, heads, d).permute(2, 0, 3, 1, 4); // (3, B, H, T, d)
      Tensor a = torch.scaled_dot_product_attention(q3.select(0, 0), q3.select(0, 1), q3.select(0, 2),
          keyMask == null ? new TensorOptional() : new TensorOptional(keyMask), 0.0, false, new DoubleOptional(), false);
      x = x.add(proj.forward(a.transpose(1, 2).reshape(b, t, c)));
      return x.add(fc2.forward(torch.gelu(fc1.forward(norm2.forward(x)))));
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      return new Params().add("norm1", norm1).add("qkv", qkv).add("proj", proj).add("norm2", norm2)
          .add("fc1", fc1).add("fc2", fc2).map();
    }
  }

  /** Supervision/GRL head: conv k3 → 3 residual units (dilations 1, 2, 3) → linear, on (B, T, C). */
  static final class Head implements Parameterized {
    final Conv in;
    final List<ResUnit> units;
    final Linear out;

    Head(Init init, long dim, long hidden, long outputs) {
      in = new Conv(init, dim, hidden, 3, 1, 1);
      units = List.of(new ResUnit(init, hidden, 3, 1), new ResUnit(init, hidden, 3, 2), new ResUnit(init, hidden, 3, 3));
      out = linear(init, hidden, outputs);
    }

    Tensor forward(Tensor x) { // (B, T, C) → (B, T, outputs)
      Tensor h = in.forward(x.transpose(1, 2));
      for (ResUnit u : units) h = u.forward(h);
      return out.forward(h.transpose(1, 2));
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      Params p = new Params().add("in", in);
      for (int i = 0; i < units.size(); i++) p.add("units." + i, units.get(i));
      return p.add("out", out).map();
    }
  }

  /**
   * Gradient reversal (Ganin and Lempitsky 2015): identity forward, gradient × (−λ) backward,
   * written as x̄ + (−λ)(x − x̄) with x̄ = detach(x): the forward value is x exactly (x − x̄ = 0) and
   * the only path to x carries the factor −λ.
   */
  static Tensor reverseGradient(Tensor x, double lambda) {
    Tensor d = x.detach();
    return d.add(x.sub(d).mul(new Scalar(-lambda)));
  }

  /** Row-wise L2 normalisation over the last dimension. */
  static Tensor l2normalise(Tensor x) {
    Tensor n = torch.linalg_vector_norm(x, new Scalar(2), new long[] {-1}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
    return x.div(n.clamp_min(new Scalar(1e-8)));
  }
}
