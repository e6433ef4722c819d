package io.papers4j.core.nn.unet;

import com.fasterxml.jackson.databind.JsonNode;
import io.papers4j.core.nn.Conv2d;
import io.papers4j.core.nn.GroupNorm;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.cond.TimestepEmbedding;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * A small diffusers {@code UNet2DConditionModel}: conv_in, down blocks (ResNet blocks, optional
 * spatial transformers with self- and cross-attention, a strided-conv downsampler), a cross-attention
 * mid block, up blocks that concatenate the skip connections, and GroupNorm → SiLU → conv_out.
 *
 * <pre>temb = time_embedding(sinusoid(t));  h = conv_in(x);  skips = [h]
 * down:  h = resnet(h, temb); h = attn(h, ctx); skips += h   (per layer), h = down(h); skips += h
 * mid:   h = resnet(attn(resnet(h, temb), ctx), temb)
 * up:    h = resnet(cat(h, skips.pop()), temb); h = attn(h, ctx)   (layers + 1 per block), h = up(h)
 * ε̂ / v̂ = conv_out(SiLU(conv_norm_out(h)))</pre>
 *
 * <p>Shapes: x (B, in, H, W) with H, W multiples of 2^(levels − 1), t (B) in the process's model time,
 * context (B, M, crossAttentionDim) → (B, out, H, W). Tensor names follow diffusers ({@code
 * down_blocks.0.resnets.0.conv1.weight}, {@code mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight},
 * {@code up_blocks.1.upsamplers.0.conv.weight}, {@code time_embedding.linear_1.weight}, …).
 */
public final class UNet2DConditionModel implements Parameterized {

  /**
   * @param inChannels image / latent channels in (4 for SD latents)
   * @param outChannels channels out (the prediction)
   * @param blockOutChannels width per level, e.g. {32, 64} (SD: 320, 640, 1280, 1280)
   * @param crossAttention per level: a spatial transformer after each ResNet block (CrossAttnDownBlock2D /
   *     CrossAttnUpBlock2D) or none (DownBlock2D / UpBlock2D); the mid block always has one
   * @param layersPerBlock ResNet blocks per down level (up levels have one more); SD: 2
   * @param heads attention heads per transformer (SD 1.x: 8)
   * @param crossAttentionDim width D of the context tokens (all-MiniLM: 384; SD 1.x CLIP: 768)
   * @param normGroups GroupNorm groups (32 in SD; must divide every width)
   * @param linearProjection proj_in/proj_out as Linear (SD 2.x) rather than 1×1 conv (SD 1.x)
   */
  public record Config(int inChannels, int outChannels, int[] blockOutChannels, boolean[] crossAttention,
      int layersPerBlock, int heads, int crossAttentionDim, int normGroups, boolean linearProjection) {
    public Config {
      if (inChannels < 1 || outChannels < 1) throw new IllegalArgumentException("UNet needs positive in/out channels");
      if (blockOutChannels.length < 1 || blockOutChannels.length != crossAttention.length) {
        throw new IllegalArgumentException("block_out_channels and the per-level cross-attention flags must have the same, non-zero length");
      }
      if (layersPerBlock < 1 || heads < 1 || crossAttentionDim < 1 || normGroups < 1) {
        throw new IllegalArgumentException("layers_per_block, heads, cross_attention_dim and norm_num_groups must be positive");
      }
      for (int c : blockOutChannels) {
        if (c < 1 || c % normGroups != 0 || c % heads != 0) {
          throw new IllegalArgumentException("block width " + c + " must be a multiple of norm_num_groups (" + normGroups
              + ") and of the heads (" + heads + ")");
        }
      }
      blockOutChannels = blockOutChannels.clone();
      crossAttention = crossAttention.clone();
    }

    public int levels() {
      return blockOutChannels.length;
    }

    /**
     * Reads diffusers' {@code config.json} of a {@code UNet2DConditionModel}: in/out channels,
     * block_out_channels, down_block_types ({@code CrossAttnDownBlock2D} or {@code DownBlock2D}, mirrored by
     * up_block_types), layers_per_block, num_attention_heads (or, as diffusers does, attention_head_dim
     * read as the head count), cross_attention_dim, norm_num_groups and use_linear_projection. Settings
     * this UNet does not implement (another norm_eps, freq_shift or mid block, several transformer layers
     * per block, sinusoids without flip_sin_to_cos) are refused with the key's name.
     */
    public static Config fromDiffusers(JsonNode c) {
      int[] boc = ints(c, "block_out_channels");
      JsonNode down = require(c, "down_block_types"), up = require(c, "up_block_types");
      if (down.size() != boc.length || up.size() != boc.length) {
        throw new IllegalArgumentException("config.json: down_block_types and up_block_types need one entry per block_out_channels");
      }
      boolean[] cross = new boolean[boc.length];
      for (int i = 0; i < boc.length; i++) {
        String d = down.get(i).asText(), u = up.get(boc.length - 1 - i).asText();
        if (!d.equals("CrossAttnDownBlock2D") && !d.equals("DownBlock2D")) {
          throw new IllegalArgumentException("config.json: unsupported down block type " + d);
        }
        cross[i] = d.startsWith("CrossAttn");
        if (!u.equals(cross[i] ? "CrossAttnUpBlock2D" : "UpBlock2D")) {
          throw new IllegalArgumentException("config.json: up block " + (boc.length - 1 - i) + " (" + u + ") does not mirror " + d);
        }
      }
      check(c, "mid_block_type", "UNetMidBlock2DCrossAttn");
      check(c, "norm_eps", 1e-5);
      check(c, "flip_sin_to_cos", true);
      check(c, "freq_shift", 0);
      check(c, "transformer_layers_per_block", 1);
      JsonNode heads = c.hasNonNull("num_attention_heads") ? c.get("num_attention_heads") : require(c, "attention_head_dim");
      if (!heads.isInt()) throw new IllegalArgumentException("config.json: per-block head counts are not supported, got " + heads);
      return new Config(require(c, "in_channels").asInt(), require(c, "out_channels").asInt(), boc, cross,
          require(c, "layers_per_block").asInt(), heads.asInt(), require(c, "cross_attention_dim").asInt(),
          c.path("norm_num_groups").asInt(32), c.path("use_linear_projection").asBoolean(false));
    }

    /** The diffusers {@code config.json} keys of this UNet (readable by {@link #fromDiffusers} and by diffusers). */
    public Map<String, Object> toDiffusers() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("_class_name", "UNet2DConditionModel");
      m.put("in_channels", inChannels);
      m.put("out_channels", outChannels);
      m.put("block_out_channels", Arrays.stream(blockOutChannels).boxed().toList());
      List<String> down = new ArrayList<>(), up = new ArrayList<>();
      for (boolean x : crossAttention) down.add(x ? "CrossAttnDownBlock2D" : "DownBlock2D");
      for (int i = crossAttention.length - 1; i >= 0; i--) up.add(crossAttention[i] ? "CrossAttnUpBlock2D" : "UpBlock2D");
      m.put("down_block_types", down);
      m.put("up_block_types", up);
      m.put("mid_block_type", "UNetMidBlock2DCrossAttn");
      m.put("layers_per_block", layersPerBlock);
      m.put("attention_head_dim", heads); // diffusers reads it as the number of heads
      m.put("cross_attention_dim", crossAttentionDim);
      m.put("norm_num_groups", normGroups);
      m.put("norm_eps", RESNET_EPS);
      m.put("use_linear_projection", linearProjection);
      m.put("flip_sin_to_cos", true);
      m.put("freq_shift", 0);
      return m;
    }

    private static JsonNode require(JsonNode c, String key) {
      if (!c.hasNonNull(key)) throw new IllegalArgumentException("config.json: missing " + key);
      return c.get(key);
    }

    private static int[] ints(JsonNode c, String key) {
      JsonNode a = require(c, key);
      int[] v = new int[a.size()];
      for (int i = 0; i < v.length; i++) v[i] = a.get(i).asInt();
      return v;
    }

    private static void check(JsonNode c, String key, Object supported) {
      if (!c.hasNonNull(key)) return;
      JsonNode v = c.get(key);
      boolean ok = supported instanceof String s ? v.asText().equals(s)
          : supported instanceof Boolean b ? v.asBoolean() == b
          : supported instanceof Integer i ? v.isNumber() && v.asDouble() == i
          : v.isNumber() && v.asDouble() == (Double) supported;
      if (!ok) throw new IllegalArgumentException("config.json: " + key + " = " + v + " is not supported (only " + supported + ")");
    }

    /** The time-embedding width, 4 × block_out_channels[0] as in diffusers. */
    public int timeEmbedDim() {
      return 4 * blockOutChannels[0];
    }
  }

  /** One down or up level: its ResNet blocks, their transformers (or none) and the resampler (or none). */
  private record Level(List<ResnetBlock2D> resnets, List<Transformer2DModel> attentions, Parameterized sampler)
      implements Parameterized {
    @Override
    public Map<String, Tensor> namedParameters() {
      Params p = new Params();
      for (int j = 0; j < resnets.size(); j++) p.add("resnets." + j, resnets.get(j));
      for (int j = 0; j < attentions.size(); j++) p.add("attentions." + j, attentions.get(j));
      if (sampler instanceof Downsample2D d) p.add("downsamplers.0", d);
      if (sampler instanceof Upsample2D u) p.add("upsamplers.0", u);
      return p.map();
    }
  }

  private static final double RESNET_EPS = 1e-5;
  private final Config config;
  public final Conv2d convIn;
  public final TimestepEmbedding timeEmbedding;
  private final List<Level> down = new ArrayList<>();
  private final Level mid;
  private final List<Level> up = new ArrayList<>();
  public final GroupNorm convNormOut;
  public final Conv2d convOut;

  public UNet2DConditionModel(Config config, Init init) {
    this.config = config;
    int[] ch = config.blockOutChannels();
    int n = config.levels(), temb = config.timeEmbedDim(), g = config.normGroups(), layers = config.layersPerBlock();
    this.convIn = new Conv2d(config.inChannels(), ch[0], 3, init);
    this.timeEmbedding = new TimestepEmbedding(ch[0], temb, init);
    int out = ch[0];
    for (int i = 0; i < n; i++) {
      int in = out;
      out = ch[i];
      List<ResnetBlock2D> res = new ArrayList<>();
      List<Transformer2DModel> att = new ArrayList<>();
      for (int j = 0; j < layers; j++) {
        res.add(new ResnetBlock2D(j == 0 ? in : out, out, temb, g, RESNET_EPS, init));
        if (config.crossAttention()[i]) att.add(transformer(out, init));
      }
      down.add(new Level(res, att, i < n - 1 ? new Downsample2D(out, init) : null));
    }
    int last = ch[n - 1];
    ResnetBlock2D midFirst = new ResnetBlock2D(last, last, temb, g, RESNET_EPS, init);
    Transformer2DModel midAttn = transformer(last, init);
    this.mid = new Level(List.of(midFirst, new ResnetBlock2D(last, last, temb, g, RESNET_EPS, init)), List.of(midAttn), null);
    int prevOut = last;
    for (int i = 0; i < n; i++) {
      int level = n - 1 - i; // up block i mirrors down level n − 1 − i
      int outCh = ch[level];
      int skipIn = ch[Math.max(level - 1, 0)]; // the down level below supplies the last skip
      List<ResnetBlock2D> res = new ArrayList<>();
      List<Transformer2DModel> att = new ArrayList<>();
      for (int j = 0; j <= layers; j++) {
        int skip = j == layers ? skipIn : outCh;
        int resIn = j == 0 ? prevOut : outCh;
        res.add(new ResnetBlock2D(resIn + skip, outCh, temb, g, RESNET_EPS, init));
        if (config.crossAttention()[level]) att.add(transformer(outCh, init));
      }
      up.add(new Level(res, att, i < n - 1 ? new Upsample2D(outCh, init) : null));
      prevOut = outCh;
    }
    this.convNormOut = new GroupNorm(g, ch[0], RESNET_EPS, true, init);
    this.convOut = new Conv2d(ch[0], config.outChannels(), 3, init);
  }

  private Transformer2DModel transformer(int channels, Init init) {
    return new Transformer2DModel(channels, config.heads(), config.crossAttentionDim(), 1, config.normGroups(),
        config.linearProjection(), init);
  }

  public Config config() {
    return config;
  }

  /** x (B, in, H, W), t (B), context (B, M, D) → (B, out, H, W). */
  public Tensor forward(Tensor x, Tensor t, Tensor context) {
    return forward(x, t, context, null, null);
  }

  /**
   * With ControlNet-style additional residuals (diffusers' {@code down_block_additional_residuals},
   * {@code mid_block_additional_residual}): one per skip connection, added before the up path uses
   * them, and one added to the mid block's output; null for none.
   */
  public Tensor forward(Tensor x, Tensor t, Tensor context, List<Tensor> downResiduals, Tensor midResidual) {
    return forward(x, t, context, null, downResiduals, midResidual);
  }

  /**
   * The full form: {@code contextMask} (B, M), non-zero for real context tokens (e.g. the tokenizer's
   * attention mask of padded prompts), keeps padding out of every cross-attention; null attends to
   * all M tokens.
   */
  public Tensor forward(Tensor x, Tensor t, Tensor context, Tensor contextMask, List<Tensor> downResiduals, Tensor midResidual) {
    return forward(x, t, context, contextMask, downResiduals, midResidual, null, null);
  }

  /**
   * Called with the output of every block, in forward order, under its diffusers module path ({@code
   * conv_in}, {@code down_blocks.1.resnets.0}, {@code down_blocks.1.attentions.0}, {@code
   * mid_block.resnets.1}, {@code up_blocks.0.attentions.2}, …); what it returns replaces that
   * output. Inserted layers (temporal layers of a video model, adapters) hook in here without
   * changing the UNet; a null hook is the plain UNet.
   */
  @FunctionalInterface
  public interface BlockHook {
    /** h (B, C, H, W) after block {@code name} → its replacement, same shape. */
    Tensor after(String name, Tensor h);
  }

  /** With a {@link BlockHook} (null for none) after every block. */
  public Tensor forward(Tensor x, Tensor t, Tensor context, Tensor contextMask, List<Tensor> downResiduals, Tensor midResidual,
      BlockHook hook) {
    return forward(x, t, context, contextMask, downResiduals, midResidual, hook, null);
  }

  /**
   * With a {@link SelfAttentionHook} called by every transformer block in forward order (down blocks,
   * mid block, up blocks; {@link #transformerBlockCount()} calls), e.g. to record each block's input
   * or to let each block's self-attention also attend to extra tokens; null for none.
   */
  public Tensor forward(Tensor x, Tensor t, Tensor context, Tensor contextMask, List<Tensor> downResiduals, Tensor midResidual,
      SelfAttentionHook attention) {
    return forward(x, t, context, contextMask, downResiduals, midResidual, null, attention);
  }

  /** The full form: a {@link BlockHook} after every block and a {@link SelfAttentionHook} in every transformer block (null for none). */
  public Tensor forward(Tensor x, Tensor t, Tensor context, Tensor contextMask, List<Tensor> downResiduals, Tensor midResidual,
      BlockHook hook, SelfAttentionHook attention) {
    checkInput(x, t, context);
    BlockHook after = hook != null ? hook : (name, y) -> y;
    // sinusoids in the weights' precision: float32 as diffusers, float64 for a float64 model
    Tensor temb = timeEmbedding.forward(t.to(convIn.weight.scalar_type().intern())); // (B, T)
    Tensor h = after.after("conv_in", convIn.forward(x)); // (B, c0, H, W)
    List<Tensor> skips = new ArrayList<>();
    skips.add(h);
    for (int i = 0; i < down.size(); i++) {
      Level level = down.get(i);
      for (int j = 0; j < level.resnets().size(); j++) {
        h = after.after("down_blocks." + i + ".resnets." + j, level.resnets().get(j).forward(h, temb));
        if (!level.attentions().isEmpty()) {
          h = after.after("down_blocks." + i + ".attentions." + j, level.attentions().get(j).forward(h, context, contextMask, attention));
        }
        skips.add(h);
      }
      if (level.sampler() instanceof Downsample2D d) {
        h = d.forward(h); // (B, c, H/2, W/2)
        skips.add(h);
      }
    }
    if (downResiduals != null) {
      if (downResiduals.size() != skips.size()) {
        throw new IllegalArgumentException("expected " + skips.size() + " down-block residuals, got " + downResiduals.size());
      }
      for (int k = 0; k < skips.size(); k++) skips.set(k, skips.get(k).add(downResiduals.get(k)));
    }
    h = after.after("mid_block.resnets.0", mid.resnets().get(0).forward(h, temb));
    h = after.after("mid_block.attentions.0", mid.attentions().get(0).forward(h, context, contextMask, attention));
    h = after.after("mid_block.resnets.1", mid.resnets().get(1).forward(h, temb)); // (B, c_last, h, w)
    if (midResidual != null) h = h.add(midResidual);
    Deque<Tensor> stack = new ArrayDeque<>(skips);
    for (int i = 0; i < up.size(); i++) {
      Level level = up.get(i);
      for (int j = 0; j < level.resnets().size(); j++) {
        h = torch.cat(new TensorVector(h, stack.removeLast()), 1); // (B, c + c_skip, h, w)
        h = after.after("up_blocks." + i + ".resnets." + j, level.resnets().get(j).forward(h, temb));
        if (!level.attentions().isEmpty()) {
          h = after.after("up_blocks." + i + ".attentions." + j, level.attentions().get(j).forward(h, context, contextMask, attention));
        }
      }
      if (level.sampler() instanceof Upsample2D u) h = u.forward(h); // (B, c, 2h, 2w)
    }
    return convOut.forward(torch.silu(convNormOut.forward(h))); // (B, out, H, W)
  }

  /**
   * The hook points of {@link BlockHook} in forward order with the channel width there: conv_in, then
   * every ResNet block and spatial transformer of the down, mid and up blocks.
   */
  public Map<String, Integer> hookPoints() {
    Map<String, Integer> m = new LinkedHashMap<>();
    int[] ch = config.blockOutChannels();
    int n = config.levels();
    m.put("conv_in", ch[0]);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < down.get(i).resnets().size(); j++) {
        m.put("down_blocks." + i + ".resnets." + j, ch[i]);
        if (!down.get(i).attentions().isEmpty()) m.put("down_blocks." + i + ".attentions." + j, ch[i]);
      }
    }
    m.put("mid_block.resnets.0", ch[n - 1]);
    m.put("mid_block.attentions.0", ch[n - 1]);
    m.put("mid_block.resnets.1", ch[n - 1]);
    for (int i = 0; i < n; i++) {
      int c = ch[n - 1 - i];
      for (int j = 0; j < up.get(i).resnets().size(); j++) {
        m.put("up_blocks." + i + ".resnets." + j, c);
        if (!up.get(i).attentions().isEmpty()) m.put("up_blocks." + i + ".attentions." + j, c);
      }
    }
    return m;
  }

  /** The number of transformer blocks (and of {@link SelfAttentionHook} calls per forward). */
  public int transformerBlockCount() {
    int n = 0;
    for (Level l : down) n += l.attentions().size();
    n += mid.attentions().size();
    for (Level l : up) n += l.attentions().size();
    return n;
  }

  /** The number of skip connections (and of ControlNet down residuals): 1 + levels·layers + (levels − 1). */
  public int skipCount() {
    return 1 + config.levels() * config.layersPerBlock() + config.levels() - 1;
  }

  private void checkInput(Tensor x, Tensor t, Tensor context) {
    int f = 1 << (config.levels() - 1);
    if (x.dim() != 4 || x.size(1) != config.inChannels()) {
      throw new IllegalArgumentException("UNet input must be (B, " + config.inChannels() + ", H, W), got " + Arrays.toString(x.shape()));
    }
    if (x.size(2) % f != 0 || x.size(3) % f != 0) {
      throw new IllegalArgumentException("UNet input size " + x.size(2) + "×" + x.size(3) + " must be a multiple of " + f);
    }
    if (t.dim() != 1 || t.size(0) != x.size(0)) {
      throw new IllegalArgumentException("timesteps must be (B) with B = " + x.size(0) + ", got " + Arrays.toString(t.shape()));
    }
    if (context == null || context.dim() != 3 || context.size(0) != x.size(0) || context.size(2) != config.crossAttentionDim()) {
      throw new IllegalArgumentException("context must be (B, M, " + config.crossAttentionDim() + "), got "
          + (context == null ? "none" : Arrays.toString(context.shape())));
    }
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    Params p = new Params().add("conv_in", convIn).add("time_embedding", timeEmbedding);
    for (int i = 0; i < down.size(); i++) p.add("down_blocks." + i, down.get(i));
    p.add("mid_block", mid);
    for (int i = 0; i < up.size(); i++) p.add("up_blocks." + i, up.get(i));
    return p.add("conv_norm_out", convNormOut).add("conv_out", convOut).map();
  }
}
