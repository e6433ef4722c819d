package io.papers4j.vision.flow;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.cond.AdaLnZero;
import io.papers4j.core.nn.vision.PatchEmbed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * MM-DiT (SD3 §4, Fig. 2): an image stream x and a context stream c, each with its own adaLN
 * modulation, q/k/v and output projections and MLP, mixed by one joint attention over the
 * concatenated sequence. diffusers SD3Transformer2DModel names: {@code transformer_blocks.i.{norm1,
 * norm1_context, attn, ff, ff_context}}, {@code norm_out.linear}, {@code proj_out}.
 *
 * <pre>x = PatchEmbed(z) + sincos                       // (B, N, C)
 * y = t_emb(1000 t) + pooled projection (or class)  // (B, C)
 * c = ContextEmbedder(tokens) (or the class token)  // (B, L, C)
 * per block, for s ∈ {x, c}: (β₁ γ₁ α₁ β₂ γ₂ α₂)_s = Linear_s(SiLU(y))
 *   q_s, k_s, v_s = W_s(LN(s)(1+γ₁) + β₁), optional per-head RMSNorm on q_s, k_s
 *   [o_x; o_c] = softmax([q_x; q_c][k_x; k_c]ᵀ/√D)[v_x; v_c]
 *   s += α₁ · W_s^o o_s;   s += α₂ · MLP_s(LN(s)(1+γ₂) + β₂)
 * the last block's context stream is pre-only: (γ, β) modulate its q/k/v input, its output is dropped
 * γ, β = Linear(SiLU(y)); v = Linear(LN(x)(1+γ) + β) → unpatchify        // (B, ch, S, S)</pre>
 */
public final class MMDiT extends FlowModel {
  private final List<JointBlock> blocks = new ArrayList<>();
  private final AdaLnZero normOut; // Linear(C → 2C), zero; chunks (γ, β)
  private final Linear projOut; // (p·p·ch, C) zero

  /** One MM-DiT block; {@code preOnly} for the last one. */
  final class JointBlock implements Parameterized {
    final boolean preOnly;
    final AdaLnZero norm1; // image stream, 6 chunks
    final AdaLnZero norm1Context; // context stream, 6 chunks (2 when pre-only: γ, β)
    final FlowLayers.Attn attn;
    final FlowLayers.GeluFf ff;
    final FlowLayers.GeluFf ffContext; // null when pre-only

    JointBlock(boolean preOnly, Init init) {
      FlowConfig c = config;
      int d = c.hiddenSize();
      this.preOnly = preOnly;
      norm1 = new AdaLnZero(d, d, 6, init);
      norm1Context = new AdaLnZero(d, d, preOnly ? 2 : 6, init);
      attn = new FlowLayers.Attn(d, c.numHeads(), c.qkNorm(), preOnly ? 2 : 1, probe, init);
      ff = new FlowLayers.GeluFf(d, c.mlpHidden(), init);
      ffContext = preOnly ? null : new FlowLayers.GeluFf(d, c.mlpHidden(), init);
    }

    /** x (B, N, C), ctx (B, L, C), y (B, C) → {x', ctx'} (ctx' null after a pre-only block). */
    Tensor[] forward(Tensor x, Tensor ctx, Tensor y) {
      Tensor[] m = norm1.forward(y); // β₁ γ₁ α₁ β₂ γ₂ α₂, (B, C) each
      Tensor[] mc = norm1Context.forward(y);
      Tensor hx = AdaLnZero.modulate(FlowLayers.layerNorm(x), m[0], m[1]); // (B, N, C)
      Tensor hc = preOnly
          ? AdaLnZero.modulate(FlowLayers.layerNorm(ctx), mc[1], mc[0]) // AdaLayerNormContinuous: (γ, β)
          : AdaLnZero.modulate(FlowLayers.layerNorm(ctx), mc[0], mc[1]); // (B, L, C)
      Tensor[] o = attn.joint(hx, hc);
      x = AdaLnZero.gatedResidual(x, m[2], o[0]);
      x = AdaLnZero.gatedResidual(x, m[5], ff.forward(AdaLnZero.modulate(FlowLayers.layerNorm(x), m[3], m[4])));
      if (preOnly) return new Tensor[] {x, null};
      ctx = AdaLnZero.gatedResidual(ctx, mc[2], o[1]);
      ctx = AdaLnZero.gatedResidual(ctx, mc[5], ffContext.forward(AdaLnZero.modulate(FlowLayers.layerNorm(ctx), mc[3], mc[4])));
      return new Tensor[] {x, ctx};
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      Params p = new Params().add("norm1", norm1).add("norm1_context", norm1Context).add("attn", attn).add("ff", ff);
      if (ffContext != null) p.add("ff_context", ffContext);
      return p.map();
    }
  }

  MMDiT(FlowConfig config, long seed) {
    super(config, seed);
    for (int i = 0; i < config.depth(); i++) blocks.add(new JointBlock(i == config.depth() - 1, init));
    int c = config.hiddenSize();
    this.normOut = new AdaLnZero(c, c, 2, init);
    this.projOut = FlowLayers.zeroLinear(c, (long) config.patchSize() * config.patchSize() * config.channels(), init);
  }

  @Override
  Tensor network(Tensor z, Tensor t, Cond cond) {
    FlowConfig c = config;
    Tensor x = embed(z); // (B, N, C)
    Tensor[] yc = conditioner.encode(t, cond, true);
    Tensor y = yc[0]; // (B, C)
    Tensor ctx = yc[1]; // (B, L, C)
    for (JointBlock b : blocks) {
      Tensor[] out = b.forward(x, ctx, y);
      x = out[0];
      ctx = out[1];
    }
    Tensor[] gb = normOut.forward(y); // γ, β
    x = projOut.forward(AdaLnZero.modulate(FlowLayers.layerNorm(x), gb[1], gb[0])); // (B, N, p·p·ch)
    return PatchEmbed.unpatchify(x, c.grid(), c.grid(), c.patchSize(), c.channels()); // (B, ch, S, S)
  }

  JointBlock block(int i) {
    return blocks.get(i);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = front();
    for (int i = 0; i < blocks.size(); i++) p.add("transformer_blocks." + i, blocks.get(i));
    return p.add("norm_out", normOut).add("proj_out", projOut).map();
  }
}
