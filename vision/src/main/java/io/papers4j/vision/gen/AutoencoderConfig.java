package io.papers4j.vision.gen;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of the KL-regularised latent autoencoder ({@link AutoencoderKL}), with diffusers'
 * {@code AutoencoderKL} config.json keys.
 *
 * @param inChannels image channels (1 grey, 3 RGB)
 * @param blockOutChannels width of each resolution level; {@code n} levels downsample by 2^(n−1)
 *     (default 32, 64, 64: 32×32 → 8×8 latents, f = 4, the SD3 layout shrunk for toy images)
 * @param layersPerBlock ResNet blocks per encoder level (the decoder has one more, as diffusers)
 * @param latentChannels latent channels: 4 (SD 1.x/2.x), 8 or 16 (SD3), SD3 Table 3's ablation
 * @param normGroups GroupNorm groups (32 in diffusers; 8 fits the small widths)
 * @param sampleSize the image side it is trained at (diffusers' {@code sample_size})
 * @param scalingFactor 1/std of the shifted training latents, measured after training (SD's 0.18215,
 *     SD3's 1.5305)
 * @param shiftFactor mean of the training latents, measured after training (SD3's 0.0609; 0 for
 *     SD 1.x/2.x and for checkpoints written before it was measured). A diffusion model sees
 *     (z − shift)·scale, SD3's convention
 */
public record AutoencoderConfig(int inChannels, int[] blockOutChannels, int layersPerBlock, int latentChannels, int normGroups, int sampleSize, double scalingFactor,
    double shiftFactor) {
  /** Without a latent shift (SD 1.x/2.x's convention). */
  public AutoencoderConfig(int inChannels, int[] blockOutChannels, int layersPerBlock, int latentChannels, int normGroups, int sampleSize, double scalingFactor) {
    this(inChannels, blockOutChannels, layersPerBlock, latentChannels, normGroups, sampleSize, scalingFactor, 0.0);
  }

  public AutoencoderConfig {
    if (inChannels != 1 && inChannels != 3) throw new IllegalArgumentException("in_channels must be 1 or 3, got " + inChannels);
    if (blockOutChannels.length < 1) throw new IllegalArgumentException("block_out_channels needs at least one level");
    for (int c : blockOutChannels) {
      if (c < normGroups || c % normGroups != 0) throw new IllegalArgumentException("each block width must be a multiple of norm_num_groups " + normGroups + ", got " + Arrays.toString(blockOutChannels));
    }
    if (layersPerBlock < 1) throw new IllegalArgumentException("layers_per_block must be >= 1, got " + layersPerBlock);
    if (latentChannels < 1) throw new IllegalArgumentException("latent_channels must be >= 1, got " + latentChannels);
    if (sampleSize % (1 << (blockOutChannels.length - 1)) != 0) throw new IllegalArgumentException("sample_size " + sampleSize + " must be divisible by the downsampling factor " + (1 << (blockOutChannels.length - 1)));
    if (!(scalingFactor > 0) || !Double.isFinite(scalingFactor)) throw new IllegalArgumentException("scaling_factor must be > 0 and finite, got " + scalingFactor);
    if (!Double.isFinite(shiftFactor)) throw new IllegalArgumentException("shift_factor must be finite, got " + shiftFactor);
  }

  /** The defaults above for images of {@code channels} × {@code size}² and {@code latentChannels}. */
  public static AutoencoderConfig small(int channels, int size, int latentChannels) {
    return new AutoencoderConfig(channels, new int[] {32, 64, 64}, 1, latentChannels, 8, size, 1.0);
  }

  /** Spatial downsampling factor f = 2^(levels − 1). */
  public int factor() {
    return 1 << (blockOutChannels.length - 1);
  }

  public AutoencoderConfig withScalingFactor(double s) {
    return new AutoencoderConfig(inChannels, blockOutChannels, layersPerBlock, latentChannels, normGroups, sampleSize, s, shiftFactor);
  }

  /** With the measured latent statistics: scaling factor 1/std and shift factor mean. */
  public AutoencoderConfig withLatentStatistics(double scale, double shift) {
    return new AutoencoderConfig(inChannels, blockOutChannels, layersPerBlock, latentChannels, normGroups, sampleSize, scale, shift);
  }

  /** diffusers' AutoencoderKL config.json as a map. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("_class_name", "AutoencoderKL");
    m.put("act_fn", "silu");
    m.put("block_out_channels", Arrays.stream(blockOutChannels).boxed().toList()); // a list, so equals/toString compare values
    m.put("down_block_types", java.util.Collections.nCopies(blockOutChannels.length, "DownEncoderBlock2D"));
    m.put("up_block_types", java.util.Collections.nCopies(blockOutChannels.length, "UpDecoderBlock2D"));
    m.put("in_channels", inChannels);
    m.put("out_channels", inChannels);
    m.put("latent_channels", latentChannels);
    m.put("layers_per_block", layersPerBlock);
    m.put("norm_num_groups", normGroups);
    m.put("sample_size", sampleSize);
    m.put("scaling_factor", scalingFactor);
    m.put("shift_factor", shiftFactor);
    m.put("mid_block_add_attention", false);
    return m;
  }

  /** Reads the map of {@link #toJson}; a missing key or another class fails with one message. */
  public static AutoencoderConfig fromJson(Map<String, Object> m, String origin) {
    Object cls = m.get("_class_name");
    if (!"AutoencoderKL".equals(cls)) {
      throw new IllegalArgumentException(origin + ": _class_name is " + (cls == null ? "missing" : "'" + cls + "'") + ", expected AutoencoderKL (not an autoencoder checkpoint)");
    }
    if (Boolean.TRUE.equals(m.get("mid_block_add_attention"))) throw new IllegalArgumentException(origin + ": mid-block attention is not supported");
    try {
      List<?> widths = (List<?>) m.get("block_out_channels");
      int[] w = widths.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
      return new AutoencoderConfig(num(m, "in_channels", origin), w, num(m, "layers_per_block", origin), num(m, "latent_channels", origin),
          num(m, "norm_num_groups", origin), num(m, "sample_size", origin), ((Number) m.getOrDefault("scaling_factor", 1.0)).doubleValue(),
          m.get("shift_factor") == null ? 0.0 : ((Number) m.get("shift_factor")).doubleValue()); // diffusers writes null for "none"

    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException(origin + ": malformed AutoencoderKL config: " + e.getMessage(), e);
    }
  }

  private static int num(Map<String, Object> m, String key, String origin) {
    Object v = m.get(key);
    if (!(v instanceof Number n)) throw new IllegalArgumentException(origin + ": missing or non-numeric " + key);
    return n.intValue();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AutoencoderConfig c && c.toJson().toString().equals(toJson().toString());
  }

  @Override
  public int hashCode() {
    return toJson().toString().hashCode();
  }

  @Override
  public String toString() {
    return toJson().toString();
  }
}
