package io.papers4j.vision.visionllama;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.SwiGLU;
import io.papers4j.core.nn.pos.GridRope;
import io.papers4j.core.nn.vision.Norm;
import io.papers4j.core.nn.vision.VisionBlock;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * One pyramid block (code {@code GroupBlock} / {@code GroupBlockWoLS}): the LLaMA block of the
 * plain model with its attention replaced by LSA or GSA,
 *
 * <pre>h  = x + γ₁ ⊙ Attn(LN(x), H, W)       // Attn = LSA (even block index) or GSA (odd)
 * x' = h + γ₂ ⊙ SwiGLU(LN(h))</pre>
 *
 * γ is LayerScale, absent when its init is 0 (the released pyramid models have none).
 */
final class PyramidBlock implements Parameterized {
  final Norm norm1;
  final LocallyGroupedAttention lsa; // even blocks
  final GlobalSubsampledAttention gsa; // odd blocks
  final Norm norm2;
  final SwiGLU mlp;
  final Tensor gamma1;
  final Tensor gamma2;

  PyramidBlock(PyramidConfig c, int stage, boolean local, Init init) {
    int dim = c.dims()[stage];
    int heads = c.heads()[stage];
    this.norm1 = new Norm("layernorm", dim, init);
    this.lsa = local ? new LocallyGroupedAttention(dim, heads, c.windowSize(), c.ropeKind(), c.ropeTheta(), init) : null;
    this.gsa = local ? null : new GlobalSubsampledAttention(dim, heads, c.srRatios()[stage], init);
    this.norm2 = new Norm("layernorm", dim, init);
    this.mlp = new SwiGLU(dim, c.swigluHidden(stage), false, init);
    this.gamma1 = VisionBlock.layerScale(c.layerScale(), dim, init);
    this.gamma2 = VisionBlock.layerScale(c.layerScale(), dim, init);
  }

  boolean local() {
    return lsa != null;
  }

  /** x (B, H·W, C); for LSA the window side, for GSA the rope table and the query/key coordinates → (B, H·W, C). */
  Tensor forward(Tensor x, int h, int w, int window, GridRope rope, Tensor qPos, Tensor kPos) {
    Tensor n = norm1.forward(x);
    Tensor a = lsa != null ? lsa.forward(n, h, w, window) : gsa.forward(n, h, w, rope, qPos, kPos);
    x = x.add(gamma1 == null ? a : a.mul(gamma1));
    Tensor m = mlp.forward(norm2.forward(x));
    return x.add(gamma2 == null ? m : m.mul(gamma2));
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("norm1", norm1);
    if (lsa != null) p.add("attn", lsa);
    else p.add("attn", gsa);
    return p.add("norm2", norm2).add("mlp", mlp).add("gamma_1", gamma1).add("gamma_2", gamma2).map();
  }
}
