package io.papers4j.vision.video;

import io.papers4j.core.diffusion.ConditionDropout;
import io.papers4j.core.diffusion.VariancePreserving;
import io.papers4j.core.nn.Conv2d;
import io.papers4j.core.nn.Embedding;
import io.papers4j.core.nn.Init;
import io.papers4j.core.nn.LayerNorm;
import io.papers4j.core.nn.Linear;
import io.papers4j.core.nn.Parameterized;
import io.papers4j.core.nn.Params;
import io.papers4j.core.nn.unet.CrossAttention;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * AtomoVideo (arXiv 2403.01800 §3) on a frozen {@link ImageModel}: the image UNet runs on every
 * frame, and new, zero-initialised layers hook in after each of its blocks.
 *
 * <pre>x_t (B, T, 3, S, S) → frames (B·T, 3, S, S); t and the class token repeated per frame
 * conv_in:        h = conv_in(x_t) + conv_in_image([F_i, F_m])   // widened input: 3 + 3 + 1 channels, new ones zero-init
 * every block:    h = block(h)                                   // frozen ResNet / spatial transformer
 *   transformers: h = h + to_out(CrossAttn(LN(h), E(I)))        // semantic injection, zero-init to_out
 *   all blocks:   h = TemporalLayers(h, motion)                  // temporal conv + attention, zero-init
 * ε̂ / v̂ = unet's frozen output head (through ImageModel.head)    // (B, T, 3, S, S)</pre>
 *
 * <p>F_i holds the given frames at their positions (zeros elsewhere) and F_m (B, T) marks them: one
 * frame for image-to-video, the first L for frame prediction. E is a small CNN encoder of the given
 * image → g×g patch tokens (the stand-in for CLIP patch features + IP-Adapter projection). Dropping
 * the image condition zeroes F_i, F_m and the tokens; dropping the motion uses the null motion class.
 * Only the inserted layers train ({@link #inserted()}), so they can be put on another image model of
 * the same design ({@link #transplant}).
 */
public final class VideoModel implements Parameterized {
  /**
   * What one clip is conditioned on.
   *
   * @param given (B, T, 3, S, S) the given frames at their positions, zeros elsewhere
   * @param mask (B, T) 1 at given frames
   * @param image (B, 3, S, S) the image the semantic tokens come from (the last given frame)
   * @param content (B) int64 class token of the image model
   * @param motion (B) int64 motion prompt
   */
  public record Cond(Tensor given, Tensor mask, Tensor image, Tensor content, Tensor motion) {}

  /** The image encoder E: two stride-2 convolutions, pooling to a g×g grid, a projection to the context width. */
  static final class ImageEncoder implements Parameterized {
    final Conv2d conv1, conv2;
    final Linear proj;
    final LayerNorm norm;
    final int grid;

    ImageEncoder(int dim, int grid, Init init) {
      this.conv1 = new Conv2d(3, 32, 3, 3, 2, 1, true, init);
      this.conv2 = new Conv2d(32, 64, 3, 3, 2, 1, true, init);
      this.proj = new Linear(64, dim, true, init);
      this.norm = new LayerNorm(dim, 1e-5, true, init);
      this.grid = grid;
    }

    /** (B, 3, S, S) → (B, g², D). */
    Tensor forward(Tensor image) {
      Tensor h = torch.silu(conv2.forward(torch.silu(conv1.forward(image)))); // (B, 64, S/4, S/4)
      h = torch.adaptive_avg_pool2d(h, grid, grid).flatten(2, 3).transpose(1, 2); // (B, g², 64)
      return norm.forward(proj.forward(h)); // (B, g², D)
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      return new Params().add("conv1", conv1).add("conv2", conv2).add("proj", proj).add("norm", norm).map();
    }
  }

  /** The new cross-attention from a feature map to the image tokens, with a zero-initialised output. */
  static final class ImageAttention implements Parameterized {
    final LayerNorm norm;
    final CrossAttention attn;

    ImageAttention(int channels, int contextDim, int heads, Init init) {
      this.norm = new LayerNorm(channels, 1e-5, true, init);
      this.attn = new CrossAttention(channels, contextDim, heads, channels / heads, init);
      try (NoGradGuard g = new NoGradGuard()) {
        attn.toOut.weight.zero_();
        attn.toOut.bias.zero_();
      }
    }

    /** h (N, C, H, W), tokens (N, M, D) → (N, C, H, W). */
    Tensor forward(Tensor h, Tensor tokens) {
      long n = h.size(0), c = h.size(1), hh = h.size(2), ww = h.size(3);
      Tensor q = h.flatten(2, 3).transpose(1, 2); // (N, HW, C)
      Tensor o = attn.forward(norm.forward(q), tokens); // (N, HW, C)
      return h.add(o.transpose(1, 2).reshape(n, c, hh, ww));
    }

    @Override
    public Map<String, Tensor> namedParameters() {
      return new Params().add("norm", norm).add("attn", attn).map();
    }
  }

  private final VideoConfig config;
  private final VariancePreserving process; // the video process, for the image model's head
  public final ImageModel base;
  public final Embedding motionEmbedding; // (motions + 1, D)
  public final Conv2d convInImage; // (c0, 3 + 1, 3, 3), null without concat
  final ImageEncoder imageEncoder; // null without semantic injection
  final Map<String, ImageAttention> imageAttention = new LinkedHashMap<>();
  final Map<String, TemporalLayers> temporal = new LinkedHashMap<>();

  /** Inserts new layers (seeded by {@code init}) into {@code base}, which is frozen. */
  public VideoModel(VideoConfig config, ImageModel base, Init init) {
    if (!Arrays.equals(config.channels(), base.config().channels()) || config.contextDim() != base.config().contextDim()) {
      throw new IllegalArgumentException("the image model's design (widths " + Arrays.toString(base.config().channels())
          + ") differs from the video config's (" + Arrays.toString(config.channels()) + ")");
    }
    if (config.x0Head() != base.config().x0Head()) {
      throw new IllegalArgumentException("the image model's head (x0_head " + base.config().x0Head() + ") differs from the video config's ("
          + config.x0Head() + ")");
    }
    this.config = config;
    this.process = config.videoProcess();
    this.base = base;
    base.freeze();
    this.motionEmbedding = new Embedding(config.motionClasses() + 1L, config.contextDim(), init);
    this.convInImage = config.concat() ? new Conv2d(4, config.channels()[0], 3, 3, 1, 1, false, init).zeroInit() : null;
    this.imageEncoder = config.semantic() ? new ImageEncoder(config.contextDim(), config.imageTokens(), init) : null;
    for (Map.Entry<String, Integer> p : base.unet.hookPoints().entrySet()) {
      if (p.getKey().equals("conv_in")) continue;
      if (config.semantic() && p.getKey().contains(".attentions.")) {
        imageAttention.put(p.getKey(), new ImageAttention(p.getValue(), config.contextDim(), config.heads(), init));
      }
      temporal.put(p.getKey(), new TemporalLayers(p.getValue(), config.heads(), config.contextDim(), 8, init));
    }
  }

  public VideoConfig config() {
    return config;
  }

  public long nullMotion() {
    return config.motionClasses();
  }

  /** x_t (B, T, 3, S, S), t (B) model time, c the condition, drop masks (or null) → ε̂ or v̂ (B, T, 3, S, S). */
  public Tensor forward(Tensor xt, Tensor t, Cond c, boolean[] dropImage, boolean[] dropMotion) {
    long b = xt.size(0), frames = xt.size(1), s = xt.size(3);
    if (xt.dim() != 5 || xt.size(2) != 3 || xt.size(3) != xt.size(4)) {
      throw new IllegalArgumentException("video input must be (B, T, 3, S, S), got " + Arrays.toString(xt.shape()));
    }
    int tt = (int) frames;
    Tensor x = xt.reshape(b * frames, 3, s, s); // (B·T, 3, S, S)
    Tensor time = t.repeat_interleave(frames); // (B·T)
    Tensor context = base.context(c.content().repeat_interleave(frames)); // (B·T, 1, D)
    Tensor motion = dropMotion == null ? c.motion() : ConditionDropout.labels(c.motion(), nullMotion(), dropMotion);
    Tensor m = motionEmbedding.forward(motion); // (B, D)
    Tensor given = c.given(), mask = c.mask(), image = c.image();
    if (dropImage != null) {
      given = ConditionDropout.rows(given, torch.zeros_like(given.select(0, 0)), dropImage);
      mask = ConditionDropout.rows(mask, torch.zeros_like(mask.select(0, 0)), dropImage);
    }
    Tensor tokens = null;
    if (imageEncoder != null) {
      Tensor e = imageEncoder.forward(image); // (B, g², D)
      if (dropImage != null) e = ConditionDropout.rows(e, torch.zeros_like(e.select(0, 0)), dropImage);
      tokens = e.repeat_interleave(frames, new org.bytedeco.pytorch.LongOptional(0), new org.bytedeco.pytorch.LongOptional()); // (B·T, g², D)
    }
    Tensor extra = convInImage == null ? null : torch.cat(new TensorVector(given.reshape(b * frames, 3, s, s),
        mask.reshape(b * frames, 1, 1, 1).expand(b * frames, 1, s, s).to(x.scalar_type().intern())), 1); // (B·T, 4, S, S)
    Tensor img = tokens;
    Tensor out = base.unet.forward(x, time, context, null, null, null, (name, h) -> {
      if (name.equals("conv_in")) return extra == null ? h : h.add(convInImage.forward(extra));
      ImageAttention ia = imageAttention.get(name);
      if (ia != null) h = ia.forward(h, img);
      return temporal.get(name).forward(h, tt, m);
    });
    return base.head(out, x, time, process).view(b, frames, 3, s, s); // ε̂ or v̂
  }

  /** The inserted (trainable) layers only, under their checkpoint names. */
  public Parameterized inserted() {
    return () -> {
      Params p = new Params().add("motion_embedding", motionEmbedding);
      if (convInImage != null) p.add("conv_in_image", convInImage);
      if (imageEncoder != null) p.add("image_encoder", imageEncoder);
      for (Map.Entry<String, ImageAttention> e : imageAttention.entrySet()) p.add("image_attn." + e.getKey(), e.getValue());
      for (Map.Entry<String, TemporalLayers> e : temporal.entrySet()) p.add("temporal." + e.getKey(), e.getValue());
      return p.map();
    };
  }

  /**
   * The paper's "plug into personalised models": the trained inserted layers of {@code trained},
   * copied onto another image model of the same design.
   */
  public static VideoModel transplant(VideoModel trained, ImageModel otherBase) {
    VideoModel v = new VideoModel(trained.config, otherBase, Init.normal(0, 0.02, otherBase.classEmbedding.weight.scalar_type().intern()));
    Params.load(v.inserted(), trained.inserted().namedParameters(), "transplanted layers");
    return v;
  }

  @Override
  public Map<String, Tensor> namedParameters() {
    return new Params().add("", base).add("", inserted()).map();
  }
}
