package io.papers4j.vision.video;

import io.papers4j.core.diffusion.VariancePreserving;
import io.papers4j.core.nn.unet.UNet2DConditionModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The image model and the video model built on it (spec §6(e) sizes as defaults).
 *
 * @param imageSize frame side S in pixels (32)
 * @param frames frames T per clip (12)
 * @param channels the image UNet's block_out_channels ({24, 48, 48})
 * @param attention per level: spatial transformer or not ({false, true, true}: attention at 16² and 8²)
 * @param heads attention heads, spatial and temporal (4)
 * @param contextDim width of the class token the image UNet cross-attends to (32)
 * @param contentClasses classes of the image model (8 sprite colours), plus one null class for CFG
 * @param motionClasses motion prompts (16 = 8 directions × 2 speeds), plus one null
 * @param imageTokens side of the semantic token grid of the image encoder (4 → 16 tokens)
 * @param concat low-level injection: conditioning frames and their mask concatenated to the input (arm C: false)
 * @param semantic high-level injection: image tokens through a new cross-attention
 * @param process the video model's diffusion process ({@code v/linear+zsnr} for arm A, {@code eps/linear} for arm B)
 * @param baseProcess the frozen image model's process (the arm's own: {@code v/linear+zsnr} for A and C, {@code eps/linear} for B)
 * @param condDropout probability of dropping each of image and motion condition in training (0.1)
 * @param x0Head the image UNet's head predicts the clean image x̂₀, which {@link ImageModel#head} turns into the process's
 *     target (v̂ or ε̂) before the loss and the sampler see it, so training and sampling stay those of the process (false:
 *     the head predicts the target directly)
 */
public record VideoConfig(int imageSize, int frames, int[] channels, boolean[] attention, int heads, int contextDim,
    int contentClasses, int motionClasses, int imageTokens, boolean concat, boolean semantic, String process, String baseProcess,
    double condDropout, boolean x0Head) {
  public static final int TRAIN_TIMESTEPS = 1000;

  /** Without an x̂₀ head (the head predicts the process's target). */
  public VideoConfig(int imageSize, int frames, int[] channels, boolean[] attention, int heads, int contextDim, int contentClasses,
      int motionClasses, int imageTokens, boolean concat, boolean semantic, String process, String baseProcess, double condDropout) {
    this(imageSize, frames, channels, attention, heads, contextDim, contentClasses, motionClasses, imageTokens, concat, semantic, process,
        baseProcess, condDropout, false);
  }

  public VideoConfig {
    if (imageSize < 8 || imageSize % (1 << (channels.length - 1)) != 0) {
      throw new IllegalArgumentException("image size " + imageSize + " must be >= 8 and a multiple of " + (1 << (channels.length - 1)));
    }
    if (frames < 2) throw new IllegalArgumentException("a clip needs at least 2 frames, got " + frames);
    if (contentClasses < 1 || motionClasses < 1) throw new IllegalArgumentException("need at least one content and one motion class");
    if (imageTokens < 1 || imageSize % imageTokens != 0) throw new IllegalArgumentException("image token grid " + imageTokens + " must divide " + imageSize);
    if (!concat && !semantic) throw new IllegalArgumentException("the video model needs the image through concat, semantic tokens or both");
    if (!(condDropout >= 0 && condDropout < 1)) throw new IllegalArgumentException("condition dropout must be in [0, 1), got " + condDropout);
    VariancePreserving.parse(process, TRAIN_TIMESTEPS);
    VariancePreserving.parse(baseProcess, TRAIN_TIMESTEPS);
    channels = channels.clone();
    attention = attention.clone();
    unet(channels, attention, heads, contextDim); // validates widths against heads and groups
  }

  /**
   * The §6(e) defaults for one arm: a (ZTSNR + v, concat + semantic), b (linear ε, concat + semantic), c (ZTSNR + v, semantic only);
   * the image model is trained with the arm's schedule (the spec's main option; the paper itself started from ε-trained SD 1.5).
   */
  public static VideoConfig arm(String arm, int imageSize, int frames) {
    return switch (arm) {
      case "a" -> new VideoConfig(imageSize, frames, new int[] {24, 48, 48}, new boolean[] {false, true, true}, 4, 32, 8, 16, 4, true, true,
          "v/linear+zsnr", "v/linear+zsnr", 0.1);
      case "b" -> arm("a", imageSize, frames).withProcess("eps/linear").withBaseProcess("eps/linear");
      case "c" -> arm("a", imageSize, frames).withConcat(false);
      default -> throw new IllegalArgumentException("--arm must be a, b or c, got " + arm);
    };
  }

  public VideoConfig withProcess(String p) {
    return new VideoConfig(imageSize, frames, channels, attention, heads, contextDim, contentClasses, motionClasses, imageTokens, concat, semantic,
        p, baseProcess, condDropout, x0Head);
  }

  public VideoConfig withBaseProcess(String p) {
    return new VideoConfig(imageSize, frames, channels, attention, heads, contextDim, contentClasses, motionClasses, imageTokens, concat, semantic,
        process, p, condDropout, x0Head);
  }

  public VideoConfig withConcat(boolean c) {
    return new VideoConfig(imageSize, frames, channels, attention, heads, contextDim, contentClasses, motionClasses, imageTokens, c, semantic,
        process, baseProcess, condDropout, x0Head);
  }

  public VideoConfig withX0Head(boolean h) {
    return new VideoConfig(imageSize, frames, channels, attention, heads, contextDim, contentClasses, motionClasses, imageTokens, concat, semantic,
        process, baseProcess, condDropout, h);
  }

  /** Other block widths, with spatial attention on every level but the first (as the default). */
  public VideoConfig withWidths(int[] ch) {
    boolean[] at = new boolean[ch.length];
    for (int i = 1; i < ch.length; i++) at[i] = true;
    if (ch.length == 1) at[0] = true;
    return new VideoConfig(imageSize, frames, ch, at, heads, contextDim, contentClasses, motionClasses, imageTokens, concat, semantic,
        process, baseProcess, condDropout, x0Head);
  }

  public VideoConfig withFrames(int t) {
    return new VideoConfig(imageSize, t, channels, attention, heads, contextDim, contentClasses, motionClasses, imageTokens, concat, semantic,
        process, baseProcess, condDropout, x0Head);
  }

  /** The frozen image model's UNet: 3 channels in and out, one ResNet block per level, GroupNorm of 8 groups. */
  public UNet2DConditionModel.Config unet() {
    return unet(channels, attention, heads, contextDim);
  }

  private static UNet2DConditionModel.Config unet(int[] channels, boolean[] attention, int heads, int contextDim) {
    return new UNet2DConditionModel.Config(3, 3, channels, attention, 1, heads, contextDim, 8, false);
  }

  public VariancePreserving videoProcess() {
    return VariancePreserving.parse(process, TRAIN_TIMESTEPS);
  }

  public VariancePreserving imageProcess() {
    return VariancePreserving.parse(baseProcess, TRAIN_TIMESTEPS);
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("image_size", imageSize);
    m.put("frames", frames);
    m.put("block_out_channels", Arrays.stream(channels).boxed().toList());
    m.put("attention", java.util.stream.IntStream.range(0, attention.length).mapToObj(i -> attention[i]).toList());
    m.put("heads", heads);
    m.put("context_dim", contextDim);
    m.put("content_classes", contentClasses);
    m.put("motion_classes", motionClasses);
    m.put("image_tokens", imageTokens);
    m.put("concat", concat);
    m.put("semantic", semantic);
    m.put("process", process);
    m.put("base_process", baseProcess);
    m.put("cond_dropout", condDropout);
    m.put("x0_head", x0Head);
    return m;
  }

  public static VideoConfig fromJson(com.fasterxml.jackson.databind.JsonNode j) {
    String[] keys = {"image_size", "frames", "block_out_channels", "attention", "heads", "context_dim", "content_classes", "motion_classes",
        "image_tokens", "concat", "semantic", "process", "base_process", "cond_dropout"};
    for (String k : keys) if (!j.hasNonNull(k)) throw new IllegalArgumentException("config.json: missing " + k);
    int[] ch = new int[j.get("block_out_channels").size()];
    for (int i = 0; i < ch.length; i++) ch[i] = j.get("block_out_channels").get(i).asInt();
    boolean[] at = new boolean[j.get("attention").size()];
    for (int i = 0; i < at.length; i++) at[i] = j.get("attention").get(i).asBoolean();
    return new VideoConfig(j.get("image_size").asInt(), j.get("frames").asInt(), ch, at, j.get("heads").asInt(), j.get("context_dim").asInt(),
        j.get("content_classes").asInt(), j.get("motion_classes").asInt(), j.get("image_tokens").asInt(), j.get("concat").asBoolean(),
        j.get("semantic").asBoolean(), j.get("process").asText(), j.get("base_process").asText(), j.get("cond_dropout").asDouble(),
        j.hasNonNull("x0_head") && j.get("x0_head").asBoolean()); // written before the field existed: a direct head
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VideoConfig c && toJson().equals(c.toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }
}
