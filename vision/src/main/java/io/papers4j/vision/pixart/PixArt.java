package io.papers4j.vision.pixart;

import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.cond.TimestepEmbedding;
import io.papers4j.core.nn.vision.ImageShapes;
import io.papers4j.core.nn.vision.PatchEmbed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The PixArt-α/Σ diffusion transformer ({@code PixArtMS}) at any size: patch embedding, a fixed 2D
 * sin-cos table with PE interpolation, cross-attention to frozen text-encoder tokens, adaLN-single
 * timestep conditioning, and self-attention with optional key/value token compression per block.
 *
 * <pre>x = PatchEmbed(z) + pos(grid · baseSize/grid / pe)      // (B, N, C)
 * t = TimestepEmbedder(timestep)                           // (B, C)
 * t6 = Linear(SiLU(t))                                     // (B, 6C): one MLP for every block (adaLN-single)
 * y = Mlp(caption tokens) (null caption: a fixed table)     // (B, L, C)
 * per block, (β₁ γ₁ α₁ β₂ γ₂ α₂) = table_i + t6            // (6, C) learned per block, randn/√C
 *   x += α₁ · SelfAttn(LN(x)(1+γ₁) + β₁)                   // K, V compressed in kv layers
 *   x += CrossAttn(x, y, mask)                              // ungated; output projection starts at 0
 *   x += α₂ · Mlp(LN(x)(1+γ₂) + β₂)                         // GELU(tanh)
 * (β, γ) = table_out + t;  out = Linear(LN(x)(1+γ) + β) → unpatchify   // (B, ch, S, S), Linear starts at 0</pre>
 *
 * LN has no affine parameters (eps 1e-6). The output is ε (or the rectified-flow velocity); PixArt's
 * learned variance channels are not modelled. Tensor names follow the official checkpoints ({@code
 * x_embedder.proj}, {@code t_embedder.mlp.0/2}, {@code t_block.1}, {@code y_embedder.y_proj.fc1/2},
 * {@code y_embedder.y_embedding}, {@code blocks.i.{scale_shift_table, attn.qkv, attn.proj, attn.sr,
 * attn.norm, cross_attn.q_linear, cross_attn.kv_linear, cross_attn.proj, mlp.fc1, mlp.fc2}}, {@code
 * final_layer.{scale_shift_table, linear}}, {@code pos_embed}). Weights start N(0, 0.02²) (PixArt
 * uses Xavier for its Linear layers).
 */
public final class PixArt implements Parameterized {
  private final PixArtConfig config;
  private final PatchEmbed xEmbedder; // (C, ch, p, p)
  private final Tensor posEmbed; // (1, N, C) buffer
  private final TimestepEmbedding tEmbedder; // 256 → C → C
  private final Linear tBlock; // (6C, C)
  private final Linear yFc1; // (C, D)
  private final Linear yFc2; // (C, C)
  private final Tensor yEmbedding; // (L, D) buffer: the null caption, randn/√D as PixArt
  private final List<Block> blocks = new ArrayList<>();
  private final Tensor finalTable; // (2, C)
  private final Linear finalLinear; // (p·p·ch, C), zero

  /** One PixArt block (see the class comment). */
  final class Block implements Parameterized {
    final Tensor table; // (6, C)
    final Linear qkv; // (3C, C)
    final Linear proj; // (C, C)
    final KvCompression kv; // null when this block attends to every token
    final Linear qLinear; // (C, C)
    final Linear kvLinear; // (2C, C)
    final Linear crossProj; // (C, C), zero
    final Linear fc1; // (F, C)
    final Linear fc2; // (C, F)

    Block(int index, Init init, String kvInit, long seed) {
      int c = config.hiddenSize();
      table = scaledNormal(init, 6, c);
      qkv = new Linear(c, 3L * c, true, init);
      proj = new Linear(c, c, true, init);
      kv = config.compresses(index) ? new KvCompression(c, config.kvRatio(), config.kvMode(), kvInit, seed * 1_000_003L + index) : null;
      qLinear = new Linear(c, c, true, init);
      kvLinear = new Linear(c, 2L * c, true, init);
      crossProj = zero(new Linear(c, c, true, init));
      fc1 = new Linear(c, config.mlpHidden(), true, init);
      fc2 = new Linear(config.mlpHidden(), c, true, init);
    }

    /** x (B, N, C), t6 (B, 6C), y (B, L, C), mask (B, 1, 1, L) bool → (B, N, C). */
    Tensor forward(Tensor x, Tensor t6, Tensor y, Tensor mask) {
      long b = x.size(0), c = x.size(2);
      TensorVector m = table.unsqueeze(0).add(t6.view(b, 6, c)).chunk(6, 1); // 6 × (B, 1, C)
      Tensor h = modulate(layerNorm(x), m.get(0), m.get(1)); // (B, N, C)
      x = x.add(m.get(2).mul(selfAttention(h)));
      x = x.add(crossAttention(x, y, mask));
      h = modulate(layerNorm(x), m.get(3), m.get(4));
      return x.add(m.get(5).mul(fc2.forward(torch.gelu(fc1.forward(h), "tanh")))); // (B, N, C)
    }

    /** softmax(Q·f_c(K)ᵀ/√d)·f_c(V): h (B, N, C) → (B, N, C). */
    Tensor selfAttention(Tensor h) {
      TensorVector qkvs = qkv.forward(h).chunk(3, 2); // 3 × (B, N, C)
      Tensor k = qkvs.get(1), v = qkvs.get(2);
      if (kv != null) {
        int g = config.grid();
        k = kv.forward(k, g, g); // (B, N', C)
        v = kv.forward(v, g, g);
      }
      return proj.forward(merge(attend(split(qkvs.get(0)), split(k), split(v), null))); // (B, N, C)
    }

    /** Queries from x (B, N, C), keys and values from the caption y (B, L, C), padding masked. */
    Tensor crossAttention(Tensor x, Tensor y, Tensor mask) {
      TensorVector kvs = kvLinear.forward(y).chunk(2, 2); // 2 × (B, L, C)
      return crossProj.forward(merge(attend(split(qLinear.forward(x)), split(kvs.get(0)), split(kvs.get(1)), mask)));
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      Params p = new Params().add("scale_shift_table", table).add("attn.qkv", qkv).add("attn.proj", proj);
      if (kv != null) p.add("attn", kv);
      return p.add("cross_attn.q_linear", qLinear).add("cross_attn.kv_linear", kvLinear).add("cross_attn.proj", crossProj)
          .add("mlp.fc1", fc1).add("mlp.fc2", fc2).map();
    }
  }

  /**
   * @param kvInit avg or random: how new compression convolutions start
   * @param seed seed of every initial weight
   */
  public PixArt(PixArtConfig config, long seed, String kvInit) {
    this.config = config;
    Init init = Init.normal(seed, 0.02);
    int c = config.hiddenSize();
    xEmbedder = new PatchEmbed(config.channels(), c, config.patchSize(), init);
    posEmbed = sincos2d(c, config.grid(), config.baseSize(), config.peInterpolation());
    tEmbedder = new TimestepEmbedding(256, c, init);
    tBlock = new Linear(c, 6L * c, true, init);
    yFc1 = new Linear(config.textDim(), c, true, init);
    yFc2 = new Linear(c, c, true, init);
    try (NoGradGuard g = new NoGradGuard()) {
      yEmbedding = scaledNormal(Init.normal(seed + 1, 1.0), config.maxTextTokens(), config.textDim()).detach().clone();
    }
    for (int i = 0; i < config.depth(); i++) blocks.add(new Block(i, init, kvInit, seed));
    finalTable = scaledNormal(init, 2, c);
    finalLinear = zero(new Linear(c, (long) config.patchSize() * config.patchSize() * config.channels(), true, init));
  }

  public PixArtConfig config() {
    return config;
  }

  /** z (B, ch, S, S), timestep (B) in network units (DDPM index, or 1000·σ for rf), caption → (B, ch, S, S). */
  public Tensor forward(Tensor z, Tensor timestep, Caption caption) {
    PixArtConfig c = config;
    ImageShapes.patchGrid(z, c.channels(), c.patchSize());
    if (z.size(2) != c.imageSize() || z.size(3) != c.imageSize()) {
      throw new IllegalArgumentException("this model was built for " + c.imageSize() + "×" + c.imageSize() + " inputs, got " + z.size(2) + "×" + z.size(3));
    }
    check(caption, z.size(0));
    if (timestep.dim() != 1 || timestep.size(0) != z.size(0)) throw new IllegalArgumentException("timesteps must be (B) with B = " + z.size(0));
    Tensor x = PatchEmbed.tokens(xEmbedder.forward(z)).add(posEmbed); // (B, N, C)
    Tensor t = tEmbedder.forward(timestep.to(torch.ScalarType.Float)); // (B, C)
    Tensor t6 = tBlock.forward(torch.silu(t)); // (B, 6C)
    Tensor y = yFc2.forward(torch.gelu(yFc1.forward(caption.tokens()), "tanh")); // (B, L, C)
    Tensor mask = caption.mask().view(z.size(0), 1, 1, c.maxTextTokens()); // (B, 1, 1, L)
    for (Block b : blocks) x = b.forward(x, t6, y, mask);
    TensorVector ss = finalTable.unsqueeze(0).add(t.unsqueeze(1)).chunk(2, 1); // β, γ (B, 1, C)
    x = finalLinear.forward(modulate(layerNorm(x), ss.get(0), ss.get(1))); // (B, N, p·p·ch)
    return PatchEmbed.unpatchify(x, c.grid(), c.grid(), c.patchSize(), c.channels()); // (B, ch, S, S)
  }

  /** The null caption of classifier-free guidance: the fixed y_embedding table for every row, all tokens attended. */
  public Caption nullCaption(long b) {
    Tensor t = yEmbedding.unsqueeze(0).expand(b, yEmbedding.size(0), yEmbedding.size(1)).contiguous(); // (B, L, D)
    return new Caption(t, Caption.allTokens(b, yEmbedding.size(0)));
  }

  /** {@code c} with the rows where {@code drop} is true replaced by the null caption (PixArt's token_drop). */
  public Caption drop(Caption c, boolean[] drop) {
    long b = c.batch();
    float[] keep = new float[(int) b];
    for (int i = 0; i < b; i++) keep[i] = drop[i] ? 0f : 1f;
    Tensor k = Tensor.create(keep); // (B)
    Caption none = nullCaption(b);
    Tensor tokens = torch.where(k.view(b, 1, 1).gt(new Scalar(0.5)), c.tokens(), none.tokens()); // (B, L, D)
    Tensor mask = c.mask().logical_or(k.view(b, 1).lt(new Scalar(0.5))); // dropped rows attend to all L
    return new Caption(tokens, mask);
  }

  private void check(Caption c, long batch) {
    if (c == null) throw new IllegalArgumentException("a PixArt model needs a caption (nullCaption for none)");
    if (c.batch() != batch) throw new IllegalArgumentException("caption batch " + c.batch() + " != image batch " + batch);
    if (c.tokens().size(1) != config.maxTextTokens() || c.tokens().size(2) != config.textDim()) {
      throw new IllegalArgumentException("this model reads captions as (B, " + config.maxTextTokens() + ", " + config.textDim()
          + ") text-encoder tokens, got " + java.util.Arrays.toString(c.tokens().shape()));
    }
  }

  /** Block i (for tests). */
  Block block(int i) {
    return blocks.get(i);
  }

  /** Block i's key/value compression, or null. */
  KvCompression compression(int i) {
    return blocks.get(i).kv;
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("x_embedder", xEmbedder).add("t_embedder.mlp.0.weight", tEmbedder.linear1.weight)
        .add("t_embedder.mlp.0.bias", tEmbedder.linear1.bias).add("t_embedder.mlp.2.weight", tEmbedder.linear2.weight)
        .add("t_embedder.mlp.2.bias", tEmbedder.linear2.bias).add("t_block.1", tBlock)
        .add("y_embedder.y_proj.fc1", yFc1).add("y_embedder.y_proj.fc2", yFc2);
    for (int i = 0; i < blocks.size(); i++) p.add("blocks." + i, blocks.get(i));
    return p.add("final_layer.scale_shift_table", finalTable).add("final_layer.linear", finalLinear).map();
  }

  /** Fixed tensors a checkpoint also holds: the position table and the null caption. */
  public Map<String, Tensor> buffers() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("pos_embed", posEmbed);
    m.put("y_embedder.y_embedding", yEmbedding);
    return m;
  }

  // ---------------------------------------------------------------- helpers

  /** x·(1 + scale) + shift (PixArt's t2i_modulate). */
  static Tensor modulate(Tensor x, Tensor shift, Tensor scale) {
    return x.mul(scale.add(new Scalar(1))).add(shift);
  }

  static Tensor layerNorm(Tensor x) {
    return torch.layer_norm(x, new long[] {x.size(-1)}, new TensorOptional(), new TensorOptional(), 1e-6, false);
  }

  /** (B, T, C) → (B, H, T, D). */
  Tensor split(Tensor x) {
    return x.view(x.size(0), x.size(1), config.numHeads(), config.headDim()).transpose(1, 2);
  }

  /** (B, H, T, D) → (B, T, C). */
  static Tensor merge(Tensor x) {
    return x.transpose(1, 2).reshape(x.size(0), x.size(2), x.size(1) * x.size(3));
  }

  /** SDPA: q (B, H, Tq, D), k/v (B, H, Tk, D), mask broadcastable to (B, H, Tq, Tk) bool or null. */
  static Tensor attend(Tensor q, Tensor k, Tensor v, Tensor mask) {
    return torch.scaled_dot_product_attention(q, k, v, mask == null ? new TensorOptional() : new TensorOptional(mask), 0.0, false,
        new DoubleOptional(), false);
  }

  private static Linear zero(Linear l) {
    try (NoGradGuard g = new NoGradGuard()) {
      l.weight.zero_();
      l.bias.zero_();
    }
    return l;
  }

  /** randn(shape)/√(last dim) as a trainable tensor (PixArt's scale_shift_table init). */
  private static Tensor scaledNormal(Init init, long rows, long cols) {
    Tensor t = init.weights(rows, cols); // N(0, std²)
    try (NoGradGuard g = new NoGradGuard()) {
      t.mul_(new Scalar(1.0 / (init.std() * Math.sqrt(cols))));
    }
    return t;
  }

  /**
   * PixArt's {@code get_2d_sincos_pos_embed} for a g × g grid: positions i / (g / baseSize) / pe,
   * the first C/2 channels encoding the column and the last C/2 the row, each [sin(p·ω), cos(p·ω)]
   * with ω_j = 10000^(−j/(C/4)). (1, g·g, C) float32.
   */
  public static Tensor sincos2d(int dim, int g, int baseSize, double pe) {
    int quarter = dim / 4;
    float[] out = new float[g * g * dim];
    double scale = (double) baseSize / g / pe;
    for (int r = 0; r < g; r++) {
      for (int col = 0; col < g; col++) {
        int base = (r * g + col) * dim;
        double pc = col * scale, pr = r * scale;
        for (int i = 0; i < quarter; i++) {
          double omega = Math.pow(10000, -(double) i / quarter);
          out[base + i] = (float) Math.sin(pc * omega);
          out[base + quarter + i] = (float) Math.cos(pc * omega);
          out[base + 2 * quarter + i] = (float) Math.sin(pr * omega);
          out[base + 3 * quarter + i] = (float) Math.cos(pr * omega);
        }
      }
    }
    return Tensor.create(out).view(1, (long) g * g, dim);
  }
}
