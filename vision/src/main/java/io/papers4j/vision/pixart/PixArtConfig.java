package io.papers4j.vision.pixart;

import java.util.ArrayList;
import java.util.List;

/**
 * Hyperparameters of the PixArt-style DiT (defaults: spec 4(e)'s toy size for 28×28 Fashion-MNIST,
 * patch 2 → a 14×14 = 196-token grid that KV compression reduces to 7×7 = 49 keys).
 *
 * @param imageSize input side in pixels (28), or latent side when trained in an autoencoder's space
 * @param channels input channels (1; the latent channels for a latent model)
 * @param patchSize patch side (2, as PixArt's XL/2)
 * @param hiddenSize width C (48)
 * @param depth blocks (8; PixArt-Σ XL has 28)
 * @param numHeads heads (4, head dim 12)
 * @param mlpHidden MLP hidden size (4C = 192, GELU(tanh) as PixArt)
 * @param textDim width of a text-encoder token (384 for the frozen all-MiniLM-L6-v2; PixArt's T5-XXL has 4096)
 * @param maxTextTokens caption tokens the model reads, [CLS] and [SEP] included (16; PixArt-Σ 300, PixArt-α 120)
 * @param baseSize the grid side the position table is laid out for (= imageSize/patchSize when
 *     trained from scratch; kept from the weaker model when the resolution grows, so positions are
 *     interpolated rather than extrapolated)
 * @param peInterpolation PixArt's pe_interpolation: the table uses positions i·baseSize/grid/pe (1.0)
 * @param kvLayers the blocks whose self-attention compresses keys and values (empty = none;
 *     PixArt-Σ: the deep half, 14-27 of 28)
 * @param kvMode conv (2×2 depthwise strided convolution + LayerNorm, the paper's), discard (keep the
 *     top-left token of each window), pool (true average pooling)
 * @param kvRatio the compression window side R (2: 4× fewer keys)
 * @param objective eps (ε-prediction on the DDPM linear schedule, as PixArt) or rf (rectified flow)
 * @param condDropout probability of the null caption in training, for classifier-free guidance (0.1, PixArt's class_dropout_prob)
 */
public record PixArtConfig(
    int imageSize,
    int channels,
    int patchSize,
    int hiddenSize,
    int depth,
    int numHeads,
    int mlpHidden,
    int textDim,
    int maxTextTokens,
    int baseSize,
    double peInterpolation,
    List<Integer> kvLayers,
    String kvMode,
    int kvRatio,
    String objective,
    double condDropout) {

  public static final List<String> KV_MODES = List.of("conv", "discard", "pool");
  public static final List<String> OBJECTIVES = List.of("eps", "rf");

  public PixArtConfig {
    kvLayers = List.copyOf(kvLayers);
    require(imageSize >= 1 && patchSize >= 1 && imageSize % patchSize == 0,
        "image_size " + imageSize + " must be a positive multiple of patch_size " + patchSize);
    require(channels >= 1, "channels must be >= 1, got " + channels);
    require(hiddenSize >= 4 && numHeads >= 1 && hiddenSize % numHeads == 0 && hiddenSize % 4 == 0,
        "hidden_size " + hiddenSize + " must be a multiple of 4 and of num_heads " + numHeads);
    require(depth >= 1 && mlpHidden >= 1, "depth and mlp_hidden must be >= 1");
    require(textDim >= 1 && maxTextTokens >= 3, "text_dim must be >= 1 and max_text_tokens >= 3 ([CLS] w [SEP])");
    require(baseSize >= 1, "base_size must be >= 1, got " + baseSize);
    require(peInterpolation > 0, "pe_interpolation must be > 0, got " + peInterpolation);
    for (int l : kvLayers) require(l >= 0 && l < depth, "kv_compress layer " + l + " is outside 0.." + (depth - 1));
    require(KV_MODES.contains(kvMode), "kv mode must be one of " + KV_MODES + ", got " + kvMode);
    require(kvRatio >= 2, "kv compression ratio must be >= 2, got " + kvRatio);
    require(OBJECTIVES.contains(objective), "objective must be eps or rf, got " + objective);
    require(condDropout >= 0 && condDropout < 1, "cond_dropout must be in [0, 1), got " + condDropout);
  }

  /** Spec 4(e)'s base model: 28×28×1, patch 2, d 48, depth 8, 4 heads, no compression, ε on the DDPM schedule. */
  public static PixArtConfig fashionMnist() {
    return new PixArtConfig(28, 1, 2, 48, 8, 4, 192, 384, 16, 14, 1.0, List.of(), "conv", 2, "eps", 0.1);
  }

  /** Side of the token grid. */
  public int grid() {
    return imageSize / patchSize;
  }

  public int headDim() {
    return hiddenSize / numHeads;
  }

  /** Whether block {@code i} compresses its keys and values. */
  public boolean compresses(int i) {
    return kvLayers.contains(i);
  }

  /**
   * The layers of {@code deep} (the second half, PixArt-Σ's 14-27 of 28), {@code shallow} (the first
   * half) or {@code none}.
   */
  public static List<Integer> layers(String where, int depth) {
    List<Integer> out = new ArrayList<>();
    switch (where) {
      case "deep" -> {
        for (int i = depth / 2; i < depth; i++) out.add(i);
      }
      case "shallow" -> {
        for (int i = 0; i < depth / 2; i++) out.add(i);
      }
      case "none" -> {}
      default -> throw new IllegalArgumentException("--kv-compress must be deep, shallow or none, got " + where);
    }
    return out;
  }

  public PixArtConfig withKv(List<Integer> layers, String mode) {
    return new PixArtConfig(imageSize, channels, patchSize, hiddenSize, depth, numHeads, mlpHidden, textDim, maxTextTokens, baseSize,
        peInterpolation, layers, mode, kvRatio, objective, condDropout);
  }

  /** The same model at another input size (and channels), keeping base_size: PixArt's PE interpolation. */
  public PixArtConfig withInput(int size, int ch) {
    return new PixArtConfig(size, ch, patchSize, hiddenSize, depth, numHeads, mlpHidden, textDim, maxTextTokens, baseSize,
        peInterpolation, kvLayers, kvMode, kvRatio, objective, condDropout);
  }

  /** Size, width, depth, heads (MLP 4C), resetting base_size to the new grid. */
  public PixArtConfig withSize(int size, int patch, int width, int blocks, int heads) {
    return new PixArtConfig(size, channels, patch, width, blocks, heads, 4 * width, textDim, maxTextTokens, size / patch,
        peInterpolation, kvLayers.stream().filter(l -> l < blocks).toList(), kvMode, kvRatio, objective, condDropout);
  }

  public PixArtConfig withText(int tokens) {
    return new PixArtConfig(imageSize, channels, patchSize, hiddenSize, depth, numHeads, mlpHidden, textDim, tokens, baseSize,
        peInterpolation, kvLayers, kvMode, kvRatio, objective, condDropout);
  }

  public PixArtConfig withObjective(String o) {
    return new PixArtConfig(imageSize, channels, patchSize, hiddenSize, depth, numHeads, mlpHidden, textDim, maxTextTokens, baseSize,
        peInterpolation, kvLayers, kvMode, kvRatio, o, condDropout);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }
}
