package io.papers4j.vision.flow;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.SwiGLU;
import io.papers4j.core.nn.cond.AdaLnZero;
import io.papers4j.core.nn.vision.PatchEmbed;
import io.papers4j.core.nn.pos.GridPositions;
import io.papers4j.core.nn.pos.GridRope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The single-stream backbones: DiT (Peebles and Xie 2023), DiT-LLaMA (VisionLLaMA §4.4), CrossDiT
 * and U-ViT (SD3 Fig. 4's comparison), all with adaLN-Zero blocks (diffusers DiTTransformer2DModel
 * names: {@code transformer_blocks.i.{norm1.linear, attn1, ff}}, {@code proj_out_1}, {@code
 * proj_out_2}).
 *
 * <pre>x = PatchEmbed(z) + pos                           // (B, N, C)
 * y, ctx = Conditioner(t, c)                        // (B, C), (B, L, C)
 * x = [x; ctx]  (dit/dit-llama with text, uvit)     // (B, N+L, C)
 * per block, (β₁ γ₁ α₁ β₂ γ₂ α₂) = Linear(SiLU(y)):
 *   x += α₁ · Attn(Norm(x)(1+γ₁) + β₁)              // self-attention (2D RoPE for dit-llama)
 *   x += CrossAttn(LN(x), ctx)                       // crossdit only, output projection starts at 0
 *   x += α₂ · MLP(Norm(x)(1+γ₂) + β₂)               // GELU(tanh) MLP, or SwiGLU for dit-llama
 * uvit: out-block j first mixes x with in-block (D−1−j)'s output: x = Linear([x; skip])
 * β, γ = Linear(SiLU(y)); v = Linear(LN(x[:, :N])(1+γ) + β) → unpatchify   // (B, ch, S, S)</pre>
 *
 * Norm is a LayerNorm without affine (RMSNorm for dit-llama). Every gate, the cross-attention
 * output and the final layer start at zero, so the blocks are the identity at initialisation.
 */
public final class DiT extends FlowModel {
  private final List<Block> blocks = new ArrayList<>();
  private final Linear projOut1; // (2C, C) zero
  private final Linear projOut2; // (p·p·ch, C) zero
  private final GridRope rope; // dit-llama, else null
  private final boolean concat; // caption/class tokens join the sequence
  private final boolean llama;

  /** One adaLN-Zero block (optionally with cross-attention and a U-ViT skip). */
  final class Block implements Parameterized {
    final AdaLnZero norm1; // Linear(C → 6C), zero
    final FlowLayers.Attn attn1;
    final FlowLayers.Attn attn2; // crossdit, else null
    final FlowLayers.GeluFf ff; // dit, crossdit, uvit
    final SwiGLU swiglu; // dit-llama
    final Linear skip; // uvit out-blocks: (C, 2C), starts as [I 0]

    Block(boolean withSkip, Init init) {
      FlowConfig c = config;
      norm1 = new AdaLnZero(c.hiddenSize(), c.hiddenSize(), 6, init);
      attn1 = new FlowLayers.Attn(c.hiddenSize(), c.numHeads(), c.qkNorm(), 0, probe, init);
      attn2 = c.arch().equals("crossdit") ? new FlowLayers.Attn(c.hiddenSize(), c.numHeads(), c.qkNorm(), 0, probe, init) : null;
      if (attn2 != null) {
        try (NoGradGuard g = new NoGradGuard()) {
          attn2.toOut.weight.zero_();
          attn2.toOut.bias.zero_();
        }
      }
      ff = llama ? null : new FlowLayers.GeluFf(c.hiddenSize(), c.mlpHidden(), init);
      swiglu = llama ? new SwiGLU(c.hiddenSize(), c.mlpHidden(), false, init) : null;
      skip = withSkip ? identitySkip(c.hiddenSize(), init) : null;
    }

    /** x (B, T, C), y (B, C), ctx (B, L, C) or null, positions (T, 2) or null → (B, T, C). */
    Tensor forward(Tensor x, Tensor y, Tensor ctx, Tensor positions) {
      Tensor[] m = norm1.forward(y); // 6 × (B, C): β₁ γ₁ α₁ β₂ γ₂ α₂
      Tensor h = AdaLnZero.modulate(norm(x), m[0], m[1]); // (B, T, C)
      x = AdaLnZero.gatedResidual(x, m[2], attn1.self(h, rope, positions));
      if (attn2 != null) x = x.add(attn2.cross(FlowLayers.layerNorm(x), ctx));
      h = AdaLnZero.modulate(norm(x), m[3], m[4]);
      return AdaLnZero.gatedResidual(x, m[5], llama ? swiglu.forward(h) : ff.forward(h)); // (B, T, C)
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      Params p = new Params().add("norm1", norm1).add("attn1", attn1);
      if (attn2 != null) p.add("attn2", attn2);
      p.add("ff", llama ? swiglu : ff);
      if (skip != null) p.add("skip_linear", skip);
      return p.map();
    }
  }

  DiT(FlowConfig config, long seed) {
    super(config, seed);
    this.llama = config.arch().equals("dit-llama");
    this.concat = config.arch().equals("uvit") || (config.text() && !config.arch().equals("crossdit"));
    this.rope = llama ? new GridRope(GridRope.Kind.ROPE_2D, config.headDim(), 10000) : null;
    int half = config.depth() / 2;
    for (int i = 0; i < config.depth(); i++) {
      blocks.add(new Block(config.arch().equals("uvit") && i > half, init));
    }
    int c = config.hiddenSize();
    this.projOut1 = FlowLayers.zeroLinear(c, 2L * c, init);
    this.projOut2 = FlowLayers.zeroLinear(c, (long) config.patchSize() * config.patchSize() * config.channels(), init);
  }

  private Tensor norm(Tensor x) {
    return llama ? FlowLayers.rmsNorm(x) : FlowLayers.layerNorm(x);
  }

  /** Linear(2C → C) whose weight is [I 0]: at initialisation the skip passes x through unchanged. */
  private static Linear identitySkip(int c, Init init) {
    Linear l = new Linear(2L * c, c, true, init);
    try (NoGradGuard g = new NoGradGuard()) {
      l.weight.zero_();
      l.weight.narrow(1, 0, c).copy_(torch.eye(c));
    }
    return l;
  }

  @Override
  Tensor network(Tensor z, Tensor t, Cond cond) {
    FlowConfig c = config;
    Tensor x = embed(z); // (B, N, C)
    long n = x.size(1);
    boolean tokens = concat || c.arch().equals("crossdit");
    Tensor[] yc = conditioner.encode(t, cond, tokens); // (B, C), (B, L, C)
    Tensor y = yc[0];
    Tensor ctx = yc[1];
    if (concat) x = torch.cat(new TensorVector(x, ctx), 1); // (B, N+L, C)
    Tensor positions = null;
    if (rope != null) {
      Tensor grid = GridPositions.of(GridRope.Kind.ROPE_2D, c.grid(), c.grid(), 1, 1, false); // (N, 2)
      positions = concat ? torch.cat(new TensorVector(grid, torch.zeros(x.size(1) - n, 2).to(grid.scalar_type().intern())), 0) : grid;
    }
    Deque<Tensor> skips = new ArrayDeque<>();
    int half = c.depth() / 2;
    for (int i = 0; i < blocks.size(); i++) {
      Block b = blocks.get(i);
      if (b.skip != null) x = b.skip.forward(torch.cat(new TensorVector(x, skips.pop()), 2)); // (B, T, 2C) → (B, T, C)
      x = b.forward(x, y, ctx, positions);
      if (c.arch().equals("uvit") && i < half) skips.push(x);
    }
    x = x.narrow(1, 0, n); // image tokens (B, N, C)
    TensorVector ss = projOut1.forward(torch.silu(y)).chunk(2, 1); // β, γ (B, C) each
    x = projOut2.forward(AdaLnZero.modulate(FlowLayers.layerNorm(x), ss.get(0), ss.get(1))); // (B, N, p·p·ch)
    return PatchEmbed.unpatchify(x, c.grid(), c.grid(), c.patchSize(), c.channels()); // (B, ch, S, S)
  }

  /** Block i, for tests. */
  Block block(int i) {
    return blocks.get(i);
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = front();
    for (int i = 0; i < blocks.size(); i++) p.add("transformer_blocks." + i, blocks.get(i));
    return p.add("proj_out_1", projOut1).add("proj_out_2", projOut2).map();
  }
}
