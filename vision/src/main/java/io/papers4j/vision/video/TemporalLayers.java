package io.papers4j.vision.video;

import io.papers4j.core.nn.Convolutions;
import io.papers4j.core.nn.GroupNorm;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.LayerNorm;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.unet.CrossAttention;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The layers AtomoVideo inserts after a frozen spatial block (paper §3.2): a temporal convolution
 * and a temporal attention, each a zero-initialised residual branch, so the image model's per-frame
 * output is unchanged until they train (AnimateDiff's motion module).
 *
 * <pre>h: (B·T, C, H, W) → (B·H·W, C, T)
 * h = h + conv1d_k3(SiLU(GroupNorm(h)))                                  // zero-init weight and bias
 * tokens (B·H·W, T, C):  u = LayerNorm(h) + sinusoid(frame) + W_m·motion  // the motion prompt enters here
 * h = h + to_out(SelfAttention_over_T(u))                                // zero-init to_out</pre>
 *
 * <p>Every spatial location attends only over its own frames (no spatial mixing). The motion prompt
 * embedding (B, D) is projected per layer and added to the attention's input, our stand-in for the
 * text that reaches SD's cross-attention in the paper (the frozen image model here never saw motion).
 * Names: {@code norm, conv.weight, conv.bias, attn_norm, motion_proj, attn.to_q|to_k|to_v|to_out.0}.
 */
public final class TemporalLayers implements Parameterized {
  public final GroupNorm norm; // (C)
  public final Tensor convWeight; // (C, C, 3)
  public final Tensor convBias; // (C)
  public final LayerNorm attnNorm; // (C)
  public final Linear motionProj; // (C, D)
  public final CrossAttention attn; // self-attention over frames
  private final int channels;
  private boolean positional = true;

  public TemporalLayers(int channels, int heads, int motionDim, int groups, Init init) {
    this.channels = channels;
    this.norm = new GroupNorm(groups, channels, 1e-6, true, init);
    this.convWeight = init.zeros(channels, channels, 3);
    this.convBias = init.zeros(channels);
    this.attnNorm = new LayerNorm(channels, 1e-5, true, init);
    this.motionProj = new Linear(motionDim, channels, false, init);
    this.attn = new CrossAttention(channels, 0, heads, channels / heads, init);
    zero(attn.toOut.weight);
    zero(attn.toOut.bias);
  }

  /** Without the frame-index sinusoid the attention is equivariant to any reordering of the frames (for tests). */
  TemporalLayers positional(boolean on) {
    this.positional = on;
    return this;
  }

  /** h (B·T, C, H, W), motion (B, D) → (B·T, C, H, W). */
  public Tensor forward(Tensor h, int frames, Tensor motion) {
    long bt = h.size(0), c = h.size(1), hh = h.size(2), ww = h.size(3), b = bt / frames;
    if (c != channels || bt % frames != 0) {
      throw new IllegalArgumentException("temporal layers of width " + channels + " need (B·" + frames + ", " + channels + ", H, W), got "
          + java.util.Arrays.toString(h.shape()));
    }
    // temporal convolution: frames as the 1-D axis at every location
    Tensor n = torch.silu(norm.forward(h)); // (B·T, C, H, W)
    Tensor seq = n.view(b, frames, c, hh, ww).permute(0, 3, 4, 2, 1).reshape(b * hh * ww, c, frames); // (B·H·W, C, T)
    Tensor conv = Convolutions.conv1d(seq, convWeight, convBias, 1, 1, 1); // (B·H·W, C, T)
    h = h.add(fromSequences(conv.transpose(1, 2), b, frames, hh, ww)); // (B·T, C, H, W)
    // temporal attention
    Tensor tokens = h.view(b, frames, c, hh, ww).permute(0, 3, 4, 1, 2).reshape(b * hh * ww, frames, c); // (B·H·W, T, C)
    Tensor u = attnNorm.forward(tokens);
    if (positional) u = u.add(sinusoid(frames, c, h.scalar_type().intern()).unsqueeze(0)); // + (1, T, C)
    Tensor m = motionProj.forward(motion); // (B, C)
    u = u.add(m.view(b, 1, 1, c).expand(b, hh * ww, 1, c).reshape(b * hh * ww, 1, c)); // + (B·H·W, 1, C)
    Tensor a = attn.forward(u, null); // (B·H·W, T, C)
    return h.add(fromSequences(a, b, frames, hh, ww));
  }

  /** (B·H·W, T, C) → (B·T, C, H, W). */
  private static Tensor fromSequences(Tensor s, long b, int frames, long hh, long ww) {
    long c = s.size(2);
    return s.reshape(b, hh, ww, frames, c).permute(0, 3, 4, 1, 2).reshape(b * frames, c, hh, ww);
  }

  /** The transformer sinusoid of frame index f: sin(f/10000^(2i/C)), cos(…) interleaved by halves, (T, C). */
  static Tensor sinusoid(int frames, long c, torch.ScalarType dtype) {
    double[] v = new double[(int) (frames * c)];
    long half = c / 2;
    for (int f = 0; f < frames; f++) {
      for (int i = 0; i < half; i++) {
        double angle = f / Math.pow(10000, (double) i / half);
        v[(int) (f * c + i)] = Math.sin(angle);
        v[(int) (f * c + half + i)] = Math.cos(angle);
      }
    }
    return Tensor.create(v, frames, c).clone().to(dtype);
  }

  private static void zero(Tensor t) {
    try (NoGradGuard g = new NoGradGuard()) {
      t.zero_();
    }
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("norm", norm).add("conv.weight", convWeight).add("conv.bias", convBias).add("attn_norm", attnNorm)
        .add("motion_proj", motionProj).add("attn", attn).map();
  }

  /** Adds N(0, std²) noise to every tensor of these layers (tests: a non-zero, trained-looking state). */
  void perturb(long seed, double std) {
    try (NoGradGuard g = new NoGradGuard()) {
      for (Tensor t : namedParameters().values()) {
        t.add_(torch.normal(0.0, std, t.shape(), new org.bytedeco.pytorch.GeneratorOptional(torch.createCPUGenerator(seed++)),
            new org.bytedeco.pytorch.TensorOptions().dtype(new org.bytedeco.pytorch.ScalarTypeOptional(t.scalar_type().intern()))));
      }
    }
  }
}
