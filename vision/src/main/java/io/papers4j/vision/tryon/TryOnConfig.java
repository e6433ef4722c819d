package io.papers4j.vision.tryon;

import io.papers4j.core.nn.unet.UNet2DConditionModel;
import java.util.List;

/**
 * The try-on model's shape (spec §5(e), pixel space, no VAE).
 *
 * @param arm {@code fusion} (OOTDiffusion: outfitting UNet + outfitting fusion + ψ), {@code global}
 *     (the garment only through ψ in cross-attention, Paint-by-Example / LaDI-VTON style) or {@code
 *     concat} (the garment image concatenated to the denoiser input, no outfitting UNet)
 * @param channels UNet widths per level, 32 → 16 → 8 px (spec: 24, 48, 48)
 * @param heads attention heads (must divide every width)
 * @param normGroups GroupNorm groups (must divide every width)
 * @param contextDim width of the cross-attention tokens: [category ; ψ], ψ standing in for CLIP's 768-d image embedding
 * @param encoderWidth channels of ψ's 2-layer CNN garment encoder (first layer half as wide)
 * @param trainTimesteps DDPM timesteps (linear β 1e-4 → 0.02)
 * @param prediction what the denoiser outputs: {@code x0} (the clean image, the default), {@code eps} (ε, the paper's and
 *     the spec's choice) or {@code v}. Measured (docs/ootdiffusion.md): after 200 steps on one example, sampling it back
 *     gives an in-mask error of 0.002 with x0, 0.028 with v and 0.084 with ε — worse than a grey fill (0.065): in pixel
 *     space on DDPM's linear schedule the small UNet's ε errors become x̂₀ errors of 0.7 at τ = 500 and 1,300 at τ = 999.
 */
public record TryOnConfig(String arm, int[] channels, int heads, int normGroups, int contextDim, int encoderWidth, int trainTimesteps,
    String prediction) {
  public static final List<String> ARMS = List.of("fusion", "global", "concat");
  public static final List<String> PREDICTIONS = List.of("eps", "v", "x0");
  /** The default parameterisation: the clean image (see {@code prediction}). */
  public static final String DEFAULT_PREDICTION = "x0";

  public TryOnConfig {
    if (arm == null || !ARMS.contains(arm)) throw new IllegalArgumentException("arm must be one of " + ARMS + ", got " + arm);
    if (channels == null || channels.length < 2) throw new IllegalArgumentException("need at least 2 UNet levels");
    if (contextDim < 1 || encoderWidth < 2 || trainTimesteps < 2) {
      throw new IllegalArgumentException("context width, encoder width and timesteps must be positive (timesteps >= 2)");
    }
    if (prediction == null || !PREDICTIONS.contains(prediction)) throw new IllegalArgumentException("prediction must be one of " + PREDICTIONS + ", got " + prediction);
    channels = channels.clone();
    unetConfig(arm, channels, heads, normGroups, contextDim); // validates widths, heads and groups
  }

  /** With the default parameterisation. */
  public TryOnConfig(String arm, int[] channels, int heads, int normGroups, int contextDim, int encoderWidth, int trainTimesteps) {
    this(arm, channels, heads, normGroups, contextDim, encoderWidth, trainTimesteps, DEFAULT_PREDICTION);
  }

  /** Spec §5(e): widths 24, 48, 48; 4 heads; 8 groups; 64-d context; 1,000 timesteps; x0-prediction (the spec: ε). */
  public static TryOnConfig defaults(String arm) {
    return new TryOnConfig(arm, new int[] {24, 48, 48}, 4, 8, 64, 64, 1000);
  }

  /** A tiny model for tests (widths 8, 16; 2 heads; 4 groups; 16-d context; 100 timesteps). */
  public static TryOnConfig tiny(String arm) {
    return new TryOnConfig(arm, new int[] {8, 16}, 2, 4, 16, 16, 100);
  }

  public TryOnConfig withArm(String a) {
    return new TryOnConfig(a, channels, heads, normGroups, contextDim, encoderWidth, trainTimesteps, prediction);
  }

  public TryOnConfig withPrediction(String p) {
    return new TryOnConfig(arm, channels, heads, normGroups, contextDim, encoderWidth, trainTimesteps, p);
  }

  /** Denoiser input: noisy image 3 + agnostic image 3 + mask 1 (+ garment 3 for concat). */
  public int denoiserInChannels() {
    return arm.equals("concat") ? 10 : 7;
  }

  /** The denoising UNet (diffusers' UNet2DConditionModel; transformer blocks at every level but the first). */
  public UNet2DConditionModel.Config denoiser() {
    return unetConfig(arm, channels, heads, normGroups, contextDim);
  }

  /** The outfitting UNet: the same design on the 3-channel garment image. */
  public UNet2DConditionModel.Config outfitting() {
    UNet2DConditionModel.Config d = denoiser();
    return new UNet2DConditionModel.Config(3, 3, d.blockOutChannels(), d.crossAttention(), d.layersPerBlock(), d.heads(),
        d.crossAttentionDim(), d.normGroups(), d.linearProjection());
  }

  private static UNet2DConditionModel.Config unetConfig(String arm, int[] ch, int heads, int groups, int ctx) {
    boolean[] cross = new boolean[ch.length];
    for (int i = 1; i < ch.length; i++) cross[i] = true;
    return new UNet2DConditionModel.Config(arm.equals("concat") ? 10 : 7, 3, ch, cross, 1, heads, ctx, groups, false);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TryOnConfig c && c.arm.equals(arm) && java.util.Arrays.equals(c.channels, channels) && c.heads == heads
        && c.normGroups == normGroups && c.contextDim == contextDim && c.encoderWidth == encoderWidth && c.trainTimesteps == trainTimesteps
        && c.prediction.equals(prediction);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(arm, java.util.Arrays.hashCode(channels), heads, normGroups, contextDim, encoderWidth, trainTimesteps, prediction);
  }
}
