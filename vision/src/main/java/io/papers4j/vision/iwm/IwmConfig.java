package io.papers4j.vision.iwm;

/**
 * IWM model configuration (spec 2(e) defaults in the comments).
 *
 * @param imageSize image side (32)
 * @param patch patch side (4 → 8×8 = 64 tokens)
 * @param dim encoder width (64)
 * @param depth encoder blocks (4)
 * @param heads encoder heads (2)
 * @param predDim predictor width (48)
 * @param predDepth predictor blocks (2 plays IWM^Inv_12, 4 plays IWM^Equi_18)
 * @param predHeads predictor heads (2)
 * @param conditioning "none", "feature" (concat action to each mask token, 3-layer MLP) or
 *     "sequence" (one action token per scalar)
 */
public record IwmConfig(int imageSize, int patch, int dim, int depth, int heads, int predDim, int predDepth, int predHeads,
    String conditioning) {
  public IwmConfig {
    if (imageSize < 1 || patch < 1 || imageSize % patch != 0) {
      throw new IllegalArgumentException("image size " + imageSize + " must be a positive multiple of the patch " + patch);
    }
    if (dim < 1 || depth < 1 || heads < 1 || dim % heads != 0) {
      throw new IllegalArgumentException("encoder width " + dim + " must be a multiple of heads " + heads + " (depth " + depth + ")");
    }
    if (predDim < 1 || predDepth < 1 || predHeads < 1 || predDim % predHeads != 0) {
      throw new IllegalArgumentException("predictor width " + predDim + " must be a multiple of heads " + predHeads + " (depth " + predDepth + ")");
    }
    if (!conditioning.equals("none") && !conditioning.equals("feature") && !conditioning.equals("sequence")) {
      throw new IllegalArgumentException("conditioning must be none, feature or sequence, got " + conditioning);
    }
  }

  /** Spec 2(e): 32 px, patch 4, d 64 × 4 blocks × 2 heads, predictor width 48. */
  public static IwmConfig small(String conditioning, int predDepth) {
    return new IwmConfig(32, 4, 64, 4, 2, 48, predDepth, 2, conditioning);
  }

  public int grid() {
    return imageSize / patch;
  }

  public int tokens() {
    return grid() * grid();
  }
}
