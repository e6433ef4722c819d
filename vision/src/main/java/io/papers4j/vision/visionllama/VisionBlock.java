package io.papers4j.vision.visionllama;

import io.papers4j.core.nn.Attention;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.PositionEncoding;
import io.papers4j.core.nn.SwiGLU;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * One pre-norm transformer block (paper Eq. 1, code {@code LAMABlock}):
 *
 * <pre>h  = x + γ₁ ⊙ MHSA_PE(LN(x))
 * x' = h + γ₂ ⊙ MLP(LN(h))</pre>
 *
 * with MLP = SwiGLU (no biases) for VisionLLaMA and a GELU MLP for the ViT; attention has q/k/v/o
 * biases in both (the code's {@code qkv_bias=True}); γ is LayerScale (absent when its init is 0).
 */
final class VisionBlock implements Parameterized {
  final Norm norm1;
  final Attention attn;
  final Norm norm2;
  final SwiGLU swiglu; // plain
  final GeluMlp gelu; // vit
  final Tensor gamma1; // (C) or null
  final Tensor gamma2;

  VisionBlock(VisionConfig c, PositionEncoding pe, Init init) {
    this.norm1 = new Norm(c.norm(), c.hiddenSize(), init);
    this.attn =
        new Attention(
            new Attention.Config(c.hiddenSize(), c.numHeads(), c.numHeads(), c.headDim(), true, false, 0),
            pe,
            init);
    this.norm2 = new Norm(c.norm(), c.hiddenSize(), init);
    boolean llama = c.arch().equals("plain");
    this.swiglu = llama ? new SwiGLU(c.hiddenSize(), c.intermediateSize(), false, init) : null;
    this.gelu = llama ? null : new GeluMlp(c.hiddenSize(), c.intermediateSize(), init);
    this.gamma1 = layerScale(c, init);
    this.gamma2 = layerScale(c, init);
  }

  private static Tensor layerScale(VisionConfig c, Init init) {
    if (c.layerScale() <= 0) return null;
    Tensor g = init.ones(c.hiddenSize());
    try (NoGradGuard ng = new NoGradGuard()) {
      g.mul_(new Scalar(c.layerScale()));
    }
    return g;
  }

  /** x (B, T, C), positions as the position encoding expects → (B, T, C). */
  Tensor forward(Tensor x, Tensor positions) {
    Tensor a = attn.forward(norm1.forward(x), positions);
    x = x.add(gamma1 == null ? a : a.mul(gamma1));
    Tensor n = norm2.forward(x);
    Tensor m = swiglu != null ? swiglu.forward(n) : gelu.forward(n);
    return x.add(gamma2 == null ? m : m.mul(gamma2));
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("norm1", norm1).add("attn", attn).add("norm2", norm2);
    if (swiglu != null) p.add("mlp", swiglu);
    else p.add("mlp", gelu);
    return p.add("gamma_1", gamma1).add("gamma_2", gamma2).map();
  }
}
