package io.papers4j.multimodal.movie;

import io.papers4j.core.diffusion.RectifiedFlow;
import io.papers4j.core.io.ModelDirectory;
import io.papers4j.core.nn.Attention;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.cond.AdaLnZero;
import io.papers4j.core.nn.cond.TimestepEmbedding;
import io.papers4j.core.nn.pos.PositionEncoding;
import io.papers4j.core.nn.vision.GeluMlp;
import io.papers4j.core.nn.vision.PatchEmbed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The keyframe generator: a DiT (Peebles and Xie 2023) with in-context text conditioning on
 * rectified flow (core.diffusion), conditioned on frozen MiniLM token features — the small
 * stand-in for SDXL in MovieLLM's keyframe stage.
 *
 * <pre>x   = PatchEmbed(z_t) + pos                        // (B, N, C), N = (S/p)²
 * ctx = Linear(text tokens)                           // (B, L, C)
 * y   = TimestepEmbedding(1000·t) + Linear(pooled)    // (B, C)
 * h   = [x; ctx]                                      // (B, N+L, C), padding keys masked
 * per block, (β₁ γ₁ α₁ β₂ γ₂ α₂) = Linear(SiLU(y)):
 *   h += α₁ · Attn(LN(h)(1+γ₁) + β₁);  h += α₂ · MLP(LN(h)(1+γ₂) + β₂)
 * o   = unpatchify(Linear(LN(h[:, :N])(1+γ) + β))      // (B, 3, S, S)
 * v   = o                         (prediction v: the velocity ε − x₀)
 * v   = (z_t − o)/max(t, 0.05)    (prediction x: o is x̂₀; z_t = (1 − t)x₀ + tε gives ε − x₀ = (z_t − x₀)/t)</pre>
 *
 * Every gate and the output layer start at zero (adaLN-Zero), so the network starts at o = 0.
 * Clean-image prediction follows JiT (Li and He 2025, "Back to Basics: Let Denoising Generative
 * Models Denoise"): the training loss stays the velocity MSE, only the output's meaning changes.
 */
public final class KeyframeDit implements Parameterized {
  private final KeyframeConfig config;
  final PatchEmbed patchEmbed;
  final Tensor posEmbed; // (1, N, C)
  final Linear textProj; // (C, textDim)
  final Linear pooledProj; // (C, textDim)
  final TimestepEmbedding timeEmbed;
  final List<Block> blocks = new ArrayList<>();
  final Linear projOut1; // (2C, C) zero: final shift, scale
  final Linear projOut2; // (p·p·3, C) zero

  /** One adaLN-Zero block with a bidirectional attention over image and text tokens. */
  static final class Block implements Parameterized {
    final AdaLnZero norm1;
    final Attention attn1;
    final GeluMlp ff;

    Block(KeyframeConfig c, Init init) {
      int hd = c.hiddenSize() / c.heads();
      norm1 = new AdaLnZero(c.hiddenSize(), c.hiddenSize(), 6, init);
      attn1 = new Attention(new Attention.Config(c.hiddenSize(), c.heads(), c.heads(), hd, true, false, 0), PositionEncoding.NONE, init);
      ff = new GeluMlp(c.hiddenSize(), 4L * c.hiddenSize(), init);
    }

    /** h (B, T, C), y (B, C), keys (B, 1, 1, T) bool → (B, T, C). */
    Tensor forward(Tensor h, Tensor y, Tensor keys) {
      Tensor[] m = norm1.forward(y); // 6 × (B, C)
      Tensor a = AdaLnZero.modulate(layerNorm(h), m[0], m[1]); // (B, T, C)
      h = AdaLnZero.gatedResidual(h, m[2], attend(a, keys));
      Tensor f = AdaLnZero.modulate(layerNorm(h), m[3], m[4]);
      return AdaLnZero.gatedResidual(h, m[5], ff.forward(f)); // (B, T, C)
    }

    private Tensor attend(Tensor x, Tensor keys) {
      long b = x.size(0), t = x.size(1);
      int heads = attn1.config().numHeads(), d = attn1.config().headDim();
      Tensor q = attn1.qProj.forward(x).view(b, t, heads, d).transpose(1, 2); // (B, H, T, D)
      Tensor k = attn1.kProj.forward(x).view(b, t, heads, d).transpose(1, 2);
      Tensor v = attn1.vProj.forward(x).view(b, t, heads, d).transpose(1, 2);
      Tensor o = Attention.attendFused(q, k, v, keys, false); // (B, H, T, D)
      return attn1.oProj.forward(o.transpose(1, 2).reshape(b, t, (long) heads * d)); // (B, T, C)
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      return new Params().add("norm1", norm1).add("attn1", attn1).add("ff", ff).map();
    }
  }

  public KeyframeDit(KeyframeConfig c, long seed) {
    this.config = c;
    Init init = Init.normal(seed, 0.02);
    int n = c.grid() * c.grid();
    patchEmbed = new PatchEmbed(3, c.hiddenSize(), c.patch(), init);
    posEmbed = init.weights(1, n, c.hiddenSize());
    textProj = new Linear(c.textDim(), c.hiddenSize(), true, init);
    pooledProj = new Linear(c.textDim(), c.hiddenSize(), true, init);
    timeEmbed = new TimestepEmbedding(256, c.hiddenSize(), init);
    for (int i = 0; i < c.depth(); i++) blocks.add(new Block(c, init));
    projOut1 = zero(new Linear(c.hiddenSize(), 2L * c.hiddenSize(), true, init));
    projOut2 = zero(new Linear(c.hiddenSize(), (long) c.patch() * c.patch() * 3, true, init));
  }

  public KeyframeConfig config() {
    return config;
  }

  /**
   * @param z noisy images z_t (B, 3, S, S)
   * @param t flow times in [0, 1] (B)
   * @param text the frozen encoder's features: tokens (B, L, textDim), mask (B, L), pooled (B, textDim)
   * @return the predicted velocity (B, 3, S, S), whatever the network's own output is
   */
  public Tensor forward(Tensor z, Tensor t, TextFeatures.Encoded text) {
    KeyframeConfig c = config;
    Tensor x = PatchEmbed.tokens(patchEmbed.forward(z)).add(posEmbed); // (B, N, C)
    long b = x.size(0), n = x.size(1);
    Tensor ctx = textProj.forward(text.tokens()); // (B, L, C)
    Tensor y = timeEmbed.forward(t.mul(new Scalar(1000.0))).add(pooledProj.forward(text.pooled())); // (B, C)
    Tensor h = torch.cat(new TensorVector(x, ctx), 1); // (B, N+L, C)
    Tensor keys = torch.cat(new TensorVector(torch.ones(b, n).to(torch.ScalarType.Bool), text.mask().to(torch.ScalarType.Bool)), 1)
        .view(b, 1, 1, h.size(1)); // (B, 1, 1, N+L)
    for (Block blk : blocks) h = blk.forward(h, y, keys);
    x = h.narrow(1, 0, n); // (B, N, C)
    TensorVector ss = projOut1.forward(torch.silu(y)).chunk(2, 1); // β, γ (B, C)
    x = projOut2.forward(AdaLnZero.modulate(layerNorm(x), ss.get(0), ss.get(1))); // (B, N, p·p·3)
    Tensor out = PatchEmbed.unpatchify(x, c.grid(), c.grid(), c.patch(), 3); // (B, 3, S, S)
    if (!c.prediction().equals("x")) return out;
    return RectifiedFlow.velocityFromX0(z, out, t, KeyframeConfig.X_PREDICTION_MIN_T); // (B, 3, S, S)
  }

  static Tensor layerNorm(Tensor x) {
    return torch.layer_norm(x, new long[] {x.size(-1)}, new org.bytedeco.pytorch.TensorOptional(),
        new org.bytedeco.pytorch.TensorOptional(), 1e-6, false);
  }

  private static Linear zero(Linear l) {
    try (NoGradGuard g = new NoGradGuard()) {
      l.weight.zero_();
      if (l.bias != null) l.bias.zero_();
    }
    return l;
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("pos_embed.proj", patchEmbed).add("pos_embed.pos", posEmbed).add("caption_projection", textProj)
        .add("pooled_projection", pooledProj).add("time_embed", timeEmbed);
    for (int i = 0; i < blocks.size(); i++) p.add("transformer_blocks." + i, blocks.get(i));
    return p.add("proj_out_1", projOut1).add("proj_out_2", projOut2).map();
  }

  /** config.json + model.safetensors + papers4j.json, each written atomically. */
  public void save(Path dir, Map<String, Object> info) {
    ModelDirectory.save(dir, config, namedParameters(), "moviellm-keyframes", info);
  }

  /** Loads a directory written by {@link #save}, with one message for a missing or mismatched file. */
  public static KeyframeDit load(Path dir) {
    KeyframeConfig c = ModelDirectory.readConfig(dir, KeyframeConfig.class, "a keyframe model",
        "train one with 'papers4j movie train-t2i'");
    KeyframeDit m = new KeyframeDit(c, 0);
    Params.load(m, ModelDirectory.readWeights(dir), ModelDirectory.weightsFile(dir).toString());
    return m;
  }
}
