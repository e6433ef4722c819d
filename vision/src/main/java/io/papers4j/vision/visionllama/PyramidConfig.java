package io.papers4j.vision.visionllama;

import io.papers4j.core.nn.pos.GridRope;
import java.util.Arrays;

/**
 * Hyperparameters of the pyramid VisionLLaMA (paper §3.2, Twins-SVT layout; code {@code
 * PyramidVisionLLaMA}). Defaults ({@link #fashionMnist()}): a two-stage toy for 28×28 images.
 *
 * <p>Stage i: patch embedding (conv k = s = {@code patchSize} for stage 0, 2 afterwards, then
 * LayerNorm) and {@code depths[i]} LLaMA blocks alternating LSA (even index, window {@code
 * windowSize}) and GSA (odd index, sub-sampling {@code srRatios[i]}). The head is LN → global
 * average pool → Linear. SwiGLU hidden size per stage is ⌈(8/3)·C / 8⌉·8 (the code rounds to 256,
 * which is meaningless at toy widths; the spec suggests 8).
 *
 * @param imageSize training resolution in pixels (28); defines each stage's training grid, the
 *     anchor of AS2DRoPE
 * @param channels input channels (1)
 * @param patchSize stage-0 patch (2 → 14×14 tokens at 28 px; the paper uses 4 at 224 px)
 * @param dims width per stage ({32, 64}; paper S: 64/128/256/512)
 * @param depths blocks per stage ({2, 2}; paper S: 2/2/10/4)
 * @param heads heads per stage ({1, 2}: head dim 32 as in the paper)
 * @param windowSize LSA window ws (7, as in the paper)
 * @param srRatios GSA sub-sampling ratio per stage ({2, 1}; paper: 8/4/2/1)
 * @param keyPlacement GSA key coordinates: "paper" (Fig. 5: the centre of each sr×sr window) or
 *     "code" (the official {@code GSAttention}: sr·idx + 1 − 1/sr, row length = full width W)
 * @param rope "2d" (the paper's model) or "1d" (Table 12's 1D-RoPE row: the same coordinates
 *     flattened row-major, see {@link PyramidPositions#flatten}); absent in older checkpoints,
 *     which are 2D
 * @param autoScaleBase 0: AS2DRoPE scales GSA positions by (training grid / test grid) per stage
 *     (the paper's rule); > 0: the official code's {@code auto_scale=True}, s = base / H_stage at
 *     every stage and at every resolution (the code uses 14)
 * @param ropeTheta θ (10000)
 * @param layerScale LayerScale γ init (0 = none, the released {@code pllama_wols} models)
 * @param numClasses classes (10)
 * @param labelSmoothing ε of the training loss (0.1)
 */
public record PyramidConfig(
    int imageSize,
    int channels,
    int patchSize,
    int[] dims,
    int[] depths,
    int[] heads,
    int windowSize,
    int[] srRatios,
    String keyPlacement,
    String rope,
    int autoScaleBase,
    double ropeTheta,
    double layerScale,
    int numClasses,
    double labelSmoothing) implements ImageClassifier.Config {

  public PyramidConfig {
    if (rope == null) rope = "2d"; // checkpoints written before the 1D variant existed
    if (!rope.equals("2d") && !rope.equals("1d")) throw new IllegalArgumentException("rope must be 2d or 1d, got " + rope);
    if (dims == null || depths == null || heads == null || srRatios == null) {
      throw new IllegalArgumentException("pyramid config needs dims, depths, heads and sr_ratios");
    }
    int stages = dims.length;
    if (stages < 1 || depths.length != stages || heads.length != stages || srRatios.length != stages) {
      throw new IllegalArgumentException("dims, depths, heads and sr_ratios must have one entry per stage, got "
          + Arrays.toString(dims) + ", " + Arrays.toString(depths) + ", " + Arrays.toString(heads) + ", "
          + Arrays.toString(srRatios));
    }
    for (int i = 0; i < stages; i++) {
      if (dims[i] <= 0 || heads[i] <= 0 || dims[i] % heads[i] != 0) {
        throw new IllegalArgumentException("stage " + i + ": dim " + dims[i] + " not divisible by heads " + heads[i]);
      }
      if ((dims[i] / heads[i]) % 4 != 0) {
        throw new IllegalArgumentException("stage " + i + ": 2D RoPE needs head dim divisible by 4, got " + dims[i] / heads[i]);
      }
      if (depths[i] < 1 || srRatios[i] < 1) {
        throw new IllegalArgumentException("stage " + i + ": depth and sr_ratio must be >= 1");
      }
    }
    if (!"paper".equals(keyPlacement) && !"code".equals(keyPlacement)) {
      throw new IllegalArgumentException("key_placement must be paper or code, got " + keyPlacement);
    }
    if (patchSize < 1 || windowSize < 1 || autoScaleBase < 0) {
      throw new IllegalArgumentException("patch_size and window_size must be >= 1, auto_scale_base >= 0");
    }
    if (numClasses < 2 || labelSmoothing < 0 || labelSmoothing >= 1) {
      throw new IllegalArgumentException("num_classes >= 2 and label_smoothing in [0, 1) required");
    }
    int grid = imageSize / patchSize;
    for (int i = 0; i < stages; i++) {
      if (i > 0) grid /= 2;
      if (grid < srRatios[i]) {
        throw new IllegalArgumentException("image_size " + imageSize + " gives a " + grid + "×" + grid
            + " grid at stage " + i + ", smaller than its sr_ratio " + srRatios[i]);
      }
    }
  }

  /** Two stages for 28×28 Fashion-MNIST: 14×14 then 7×7 tokens, C 32/64, ws 7, sr 2/1. */
  public static PyramidConfig fashionMnist() {
    return new PyramidConfig(28, 1, 2, new int[] {32, 64}, new int[] {2, 2}, new int[] {1, 2}, 7,
        new int[] {2, 1}, "paper", "2d", 0, 10000, 0, 10, 0.1);
  }

  /** The spec's experiment 1C: 32×32 input, patch 2 (16×16 then 8×8 tokens), ws 4, sr 4/1. */
  public static PyramidConfig experiment1C() {
    return new PyramidConfig(32, 1, 2, new int[] {32, 64}, new int[] {2, 2}, new int[] {1, 2}, 4,
        new int[] {4, 1}, "paper", "2d", 0, 10000, 0, 10, 0.1);
  }

  public int stages() {
    return dims.length;
  }

  /** Stage i's patch size: {@code patchSize} for the first, 2 (patch merging) after. */
  public int stagePatch(int i) {
    return i == 0 ? patchSize : 2;
  }

  /** Tokens per side of stage i at a {@code side}-pixel input (each conv floors). */
  public int stageGrid(int i, int side) {
    int g = side / patchSize;
    for (int s = 1; s <= i; s++) g /= 2;
    return g;
  }

  /** SwiGLU hidden size of stage i: (8/3)·C rounded up to a multiple of 8. */
  public int swigluHidden(int i) {
    int h = (int) Math.ceil(8.0 * dims[i] / 3.0);
    return (h + 7) / 8 * 8;
  }

  public PyramidConfig withKeyPlacement(String placement) {
    return new PyramidConfig(imageSize, channels, patchSize, dims, depths, heads, windowSize, srRatios, placement, rope,
        autoScaleBase, ropeTheta, layerScale, numClasses, labelSmoothing);
  }

  public PyramidConfig withAutoScaleBase(int base) {
    return new PyramidConfig(imageSize, channels, patchSize, dims, depths, heads, windowSize, srRatios, keyPlacement, rope,
        base, ropeTheta, layerScale, numClasses, labelSmoothing);
  }

  public PyramidConfig withLayerScale(double gamma) {
    return new PyramidConfig(imageSize, channels, patchSize, dims, depths, heads, windowSize, srRatios, keyPlacement, rope,
        autoScaleBase, ropeTheta, gamma, numClasses, labelSmoothing);
  }

  /** The same model with the "2d" or "1d" rotary table. */
  public PyramidConfig withRope(String r) {
    return new PyramidConfig(imageSize, channels, patchSize, dims, depths, heads, windowSize, srRatios, keyPlacement, r,
        autoScaleBase, ropeTheta, layerScale, numClasses, labelSmoothing);
  }

  /** The rotary table kind of {@link #rope}. */
  public GridRope.Kind ropeKind() {
    return rope.equals("1d") ? GridRope.Kind.ROPE_1D : GridRope.Kind.ROPE_2D;
  }

  public PyramidConfig withStages(int[] newDims, int[] newDepths, int[] newHeads, int ws, int[] sr) {
    return new PyramidConfig(imageSize, channels, patchSize, newDims, newDepths, newHeads, ws, sr, keyPlacement, rope,
        autoScaleBase, ropeTheta, layerScale, numClasses, labelSmoothing);
  }
}
