package io.papers4j.vision.flow;

import io.papers4j.core.diffusion.RectifiedFlow;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.vision.ImageShapes;
import io.papers4j.core.nn.vision.PatchEmbed;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * A velocity network v_θ(z_t, t, c) for rectified flow (or an ε / v predictor for the diffusion
 * baselines): images z (B, channels, S, S) and the timestep (B) in network units (1000·σ for
 * rectified flow, as SD3; the discrete index for DDPM) in, a tensor shaped like z out.
 * The common front: patch embedding ({@code pos_embed.proj}), the absolute position table ({@code
 * pos_embed.pos_embed}: fixed sin-cos, learned, or none for RoPE) and the {@link Conditioner}.
 */
public abstract sealed class FlowModel implements Parameterized, FlowNet permits DiT, MMDiT {
  final FlowConfig config;
  final Init init;
  final PatchEmbed patchEmbed; // (C, ch, p, p)
  final Tensor posEmbed; // (1, N, C): a parameter when learned, a buffer when sin-cos, null for RoPE
  final Conditioner conditioner;
  final FlowLayers.LogitProbe probe = new FlowLayers.LogitProbe();

  FlowModel(FlowConfig config, long seed) {
    this.config = config;
    this.init = Init.normal(seed, 0.02);
    this.patchEmbed = new PatchEmbed(config.channels(), config.hiddenSize(), config.patchSize(), init);
    int g = config.grid();
    this.posEmbed = switch (config.posEmbed()) {
      case "learned" -> init.weights(1, (long) g * g, config.hiddenSize());
      case "sincos" -> FlowLayers.sincos2d(config.hiddenSize(), g, g);
      default -> null;
    };
    this.conditioner = new Conditioner(config, init);
  }

  /** A backbone of {@code config.arch()}, initialised from {@code seed} (see {@link #xavier}). */
  public static FlowModel create(FlowConfig config, long seed) {
    FlowModel m = config.arch().equals("mmdit") ? new MMDiT(config, seed) : new DiT(config, seed);
    m.xavier(seed);
    return m;
  }

  /**
   * DiT's initialisation (Peebles and Xie, {@code initialize_weights}): every linear map inside the
   * blocks and the patch embedding (as a (C, ch·p·p) matrix) drawn Xavier-uniform, U(±√(6/(fan_in +
   * fan_out))); the zero-initialised gates, adaLN projections and output layers, the identity U-ViT
   * skips, the embedding tables and the timestep MLP keep their construction values (N(0, 0.02²) for
   * the last two, as in DiT). At width 64 a uniform N(0, 0.02²) start leaves the patch content at a
   * few percent of the position embedding and every attention logit near zero.
   */
  void xavier(long seed) {
    org.bytedeco.pytorch.Generator g = org.bytedeco.pytorch.global.torch.createCPUGenerator(seed * 31 + 17);
    try (org.bytedeco.pytorch.NoGradGuard ng = new org.bytedeco.pytorch.NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : namedParameters().entrySet()) {
        String name = e.getKey();
        Tensor w = e.getValue();
        boolean patch = name.equals("pos_embed.proj.weight");
        boolean block = name.startsWith("transformer_blocks.") && name.endsWith(".weight") && w.dim() == 2 && !name.contains("skip_linear");
        if (!(patch || block) || w.abs().max().item_double() == 0) continue;
        long fanOut = w.size(0);
        long fanIn = w.numel() / fanOut;
        double a = Math.sqrt(6.0 / (fanIn + fanOut));
        Tensor u = org.bytedeco.pytorch.global.torch.rand(w.shape(), new org.bytedeco.pytorch.GeneratorOptional(g), new org.bytedeco.pytorch.TensorOptions());
        w.copy_(u.mul(new org.bytedeco.pytorch.Scalar(2 * a)).sub(new org.bytedeco.pytorch.Scalar(a)));
      }
    }
  }

  public FlowConfig config() {
    return config;
  }

  /**
   * z (B, ch, S, S), timestep (B) in network units (0 … 1000) → prediction (B, ch, S, S): the
   * backbone's output itself, or, for {@code prediction} x (rectified flow, network time 1000·σ),
   * the velocity of its clean-image output x̂₀: z = (1 − σ)x₀ + σε gives ε − x₀ = (z − x₀)/σ, so
   * v = (z − x̂₀)/max(σ, 0.05).
   */
  @Override
  public final Tensor forward(Tensor z, Tensor t, Cond cond) {
    Tensor out = network(z, t, cond); // (B, ch, S, S)
    if (!config.prediction().equals("x")) return out;
    Tensor sigma = t.to(org.bytedeco.pytorch.global.torch.ScalarType.Float).div(new org.bytedeco.pytorch.Scalar(1000.0)); // (B)
    return RectifiedFlow.velocityFromX0(z, out, sigma, FlowConfig.X_PREDICTION_MIN_SIGMA);
  }

  /** The backbone: z (B, ch, S, S), timestep (B) → its raw output (B, ch, S, S). */
  abstract Tensor network(Tensor z, Tensor t, Cond cond);

  /** The unconditional input of classifier-free guidance (null label, empty caption). */
  public Cond nullCond(long batch) {
    return conditioner.nullCond(batch);
  }

  /** {@code cond} with the examples flagged in {@code drop} replaced by the null condition. */
  public Cond drop(Cond cond, boolean[] drop) {
    return conditioner.drop(cond, drop);
  }

  /** Starts (and resets) or stops recording the largest attention logit. */
  public void probeAttention(boolean on) {
    probe.on = on;
    probe.max = Double.NEGATIVE_INFINITY;
  }

  /** The largest q·k/√D seen since {@link #probeAttention}(true). */
  public double maxAttentionLogit() {
    return probe.max;
  }

  /** Non-trainable tensors a checkpoint also holds (the sin-cos table, as diffusers saves it). */
  public Map<String, Tensor> buffers() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    if (config.posEmbed().equals("sincos")) m.put("pos_embed.pos_embed", posEmbed);
    return m;
  }

  /** Patch tokens with the absolute position added: z (B, ch, S, S) → (B, N, C). */
  Tensor embed(Tensor z) {
    int[] grid = ImageShapes.patchGrid(z, config.channels(), config.patchSize());
    if (z.size(2) != config.imageSize() || z.size(3) != config.imageSize()) {
      throw new IllegalArgumentException("this model was built for " + config.imageSize() + "×" + config.imageSize()
          + " images, got " + z.size(2) + "×" + z.size(3));
    }
    Tensor x = PatchEmbed.tokens(patchEmbed.forward(z)); // (B, N, C)
    return posEmbed == null ? x : x.add(posEmbed);
  }

  /** Front parameters shared by every backbone. */
  Params front() {
    Params p = new Params().add("pos_embed", patchEmbed);
    if (config.posEmbed().equals("learned")) p.add("pos_embed.pos_embed", posEmbed);
    return p.add("", conditioner);
  }
}
