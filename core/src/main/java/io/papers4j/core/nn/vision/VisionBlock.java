package io.papers4j.core.nn.vision;

import io.papers4j.core.nn.Attention;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.SwiGLU;
import io.papers4j.core.nn.pos.PositionEncoding;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * One pre-norm transformer block of a ViT or a VisionLLaMA (VisionLLaMA Eq. 1, code {@code
 * LAMABlock}):
 *
 * <pre>h  = x + γ₁ ⊙ MHSA_PE(LN(x))
 * x' = h + γ₂ ⊙ MLP(LN(h))</pre>
 *
 * with MLP = SwiGLU (no biases, the LLaMA block) or a GELU MLP (the ViT block); attention has q/k/v/o
 * biases in both (the code's {@code qkv_bias=True}) and applies the position encoding it is given
 * (a 2D RoPE, or {@link PositionEncoding#NONE} for a ViT with absolute embeddings); γ is
 * LayerScale (absent when its init is 0). Parameter names: {@code norm1, attn, norm2, mlp,
 * gamma_1, gamma_2}.
 */
public final class VisionBlock implements Parameterized {
  /**
   * @param dim width C
   * @param numHeads heads (head dim C / heads)
   * @param mlpHidden MLP hidden size (SwiGLU h, or the GELU MLP's 4C)
   * @param norm "layernorm" or "rmsnorm"
   * @param swiglu true for the LLaMA block's SwiGLU, false for the ViT's GELU MLP
   * @param layerScale LayerScale init γ (0 disables)
   */
  public record Config(int dim, int numHeads, int mlpHidden, String norm, boolean swiglu, double layerScale) {
    public Config {
      if (dim < 1 || numHeads < 1 || dim % numHeads != 0) {
        throw new IllegalArgumentException("width " + dim + " must be a positive multiple of the heads " + numHeads);
      }
      if (mlpHidden < 1) throw new IllegalArgumentException("mlp hidden size must be >= 1, got " + mlpHidden);
    }

    public int headDim() {
      return dim / numHeads;
    }
  }

  final Norm norm1;
  final Attention attn;
  final Norm norm2;
  final SwiGLU swiglu; // LLaMA block
  final GeluMlp gelu; // ViT block
  final Tensor gamma1; // (C) or null
  final Tensor gamma2;

  public VisionBlock(Config c, PositionEncoding pe, Init init) {
    this.norm1 = new Norm(c.norm(), c.dim(), init);
    this.attn =
        new Attention(
            new Attention.Config(c.dim(), c.numHeads(), c.numHeads(), c.headDim(), true, false, 0), pe, init);
    this.norm2 = new Norm(c.norm(), c.dim(), init);
    this.swiglu = c.swiglu() ? new SwiGLU(c.dim(), c.mlpHidden(), false, init) : null;
    this.gelu = c.swiglu() ? null : new GeluMlp(c.dim(), c.mlpHidden(), init);
    this.gamma1 = layerScale(c.layerScale(), c.dim(), init);
    this.gamma2 = layerScale(c.layerScale(), c.dim(), init);
  }

  /** LayerScale γ (C) initialised to {@code gamma}, or null when {@code gamma <= 0} (no LayerScale). */
  public static Tensor layerScale(double gamma, int dim, Init init) {
    if (gamma <= 0) return null;
    Tensor g = init.ones(dim);
    try (NoGradGuard ng = new NoGradGuard()) {
      g.mul_(new Scalar(gamma));
    }
    return g;
  }

  /** x (B, T, C), positions as the position encoding expects → (B, T, C). */
  public Tensor forward(Tensor x, Tensor positions) {
    Tensor a = attn.forward(norm1.forward(x), positions); // (B, T, C)
    x = x.add(gamma1 == null ? a : a.mul(gamma1));
    Tensor n = norm2.forward(x);
    Tensor m = swiglu != null ? swiglu.forward(n) : gelu.forward(n); // (B, T, C)
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
