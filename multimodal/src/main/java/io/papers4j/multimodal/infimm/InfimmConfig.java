package io.papers4j.multimodal.infimm;

/**
 * InfiMM-HD at the scale of the research note's §4(e), every size ~7× below the paper's.
 *
 * @param patch ViT patch (8)
 * @param visionDim ViT width (paper: EVA 1792; here 64)
 * @param visionLayers ViT blocks incl. the unused last one (features are the penultimate)
 * @param visionHeads ViT heads
 * @param baseResolution stage-1 resolution (paper 224; here 32)
 * @param tile tile side and stage-2 resolution (paper 448; here 64)
 * @param maxGrid tiles per side at most (paper 3 → 1344 px)
 * @param lmDim decoder width (paper Vicuna 5120; here 128)
 * @param lmLayers decoder layers (paper 40; here 8)
 * @param lmHeads decoder heads
 * @param crossEvery a gated cross-attention block after every N-th decoder layer (paper 4)
 * @param crossHeads cross-attention heads (paper 12 × 64 = 768; here 4 × 32)
 * @param crossHeadDim cross-attention head width
 * @param tilePositions add the 2-D tile position embedding (paper yes; Tab. 6 removes it)
 * @param resamplerLatents 0 = no resampler (paper); R = a Perceiver resampler to R tokens (Tab. 7)
 * @param maxText longest token sequence
 * @param maskCls drop every crop's ViT CLS token from the cross-attention's keys (not in the paper; off by default).
 *     The paper's ViT is a pretrained EVA-CLIP whose CLS token summarises the crop; ours starts random, and the
 *     cross-attention can park its weight on the CLS tokens (10 with a thumbnail and 3×3 tiles) and never find
 *     the patch that holds the answer (docs/infimm-hd.md, tenth round: the fixed table cell read 99.0 / 80.2 /
 *     11.5% at seeds 0/1/2 without, 55.2 / 100.0 / 100.0% with the CLS keys masked). A config.json without the
 *     key loads with it off.
 */
public record InfimmConfig(
    int patch, int visionDim, int visionLayers, int visionHeads, int baseResolution, int tile, int maxGrid,
    int lmDim, int lmLayers, int lmHeads, int crossEvery, int crossHeads, int crossHeadDim,
    boolean tilePositions, int resamplerLatents, int maxText, boolean maskCls) {
  /** Byte tokens 0-255, then the special tokens. */
  public static final int IMAGE_TOKEN = 256, END_OF_CHUNK = 257, PAD = 258, VOCAB = 259;

  /** A config with the CLS keys kept (the paper's). */
  public InfimmConfig(int patch, int visionDim, int visionLayers, int visionHeads, int baseResolution, int tile, int maxGrid,
      int lmDim, int lmLayers, int lmHeads, int crossEvery, int crossHeads, int crossHeadDim,
      boolean tilePositions, int resamplerLatents, int maxText) {
    this(patch, visionDim, visionLayers, visionHeads, baseResolution, tile, maxGrid, lmDim, lmLayers, lmHeads, crossEvery,
        crossHeads, crossHeadDim, tilePositions, resamplerLatents, maxText, false);
  }

  public InfimmConfig {
    if (tile % patch != 0 || baseResolution % patch != 0) {
      throw new IllegalArgumentException("tile " + tile + " and base resolution " + baseResolution + " must be multiples of the patch " + patch);
    }
    if (maxGrid < 1 || maxGrid > 4) throw new IllegalArgumentException("max grid must be 1..4, got " + maxGrid);
    if (crossEvery < 1 || crossEvery > lmLayers) throw new IllegalArgumentException("cross-attention every N needs 1 <= N <= " + lmLayers);
    if (visionDim % 4 != 0) throw new IllegalArgumentException("vision width must be a multiple of 4 (2-D embedding)");
    if (resamplerLatents < 0) throw new IllegalArgumentException("resampler latents must be >= 0");
    if (maxText < 8) throw new IllegalArgumentException("max text must be >= 8");
  }

  /** The §4(e) sizes: patch 8, ViT 128×6, tile 64, base 32, 3×3 tiles, LM 256×8, x-attn every 4, 4×32. */
  public static InfimmConfig paperScale() {
    return new InfimmConfig(8, 128, 6, 4, 32, 64, 3, 256, 8, 8, 4, 4, 32, true, 0, 48);
  }

  /** Half-width sizes for the quick preset on 2 cores (tile 32, base 16, LM 128×4, x-attn every 2). */
  public static InfimmConfig quick() {
    return new InfimmConfig(8, 64, 3, 4, 16, 32, 3, 128, 4, 4, 2, 4, 16, true, 0, 48);
  }

  public InfimmConfig withTilePositions(boolean on) {
    return new InfimmConfig(patch, visionDim, visionLayers, visionHeads, baseResolution, tile, maxGrid, lmDim, lmLayers,
        lmHeads, crossEvery, crossHeads, crossHeadDim, on, resamplerLatents, maxText, maskCls);
  }

  public InfimmConfig withResampler(int latents) {
    return new InfimmConfig(patch, visionDim, visionLayers, visionHeads, baseResolution, tile, maxGrid, lmDim, lmLayers,
        lmHeads, crossEvery, crossHeads, crossHeadDim, tilePositions, latents, maxText, maskCls);
  }

  public InfimmConfig withCrossEvery(int n) {
    return new InfimmConfig(patch, visionDim, visionLayers, visionHeads, baseResolution, tile, maxGrid, lmDim, lmLayers,
        lmHeads, n, crossHeads, crossHeadDim, tilePositions, resamplerLatents, maxText, maskCls);
  }

  public InfimmConfig withMaskCls(boolean on) {
    return new InfimmConfig(patch, visionDim, visionLayers, visionHeads, baseResolution, tile, maxGrid, lmDim, lmLayers,
        lmHeads, crossEvery, crossHeads, crossHeadDim, tilePositions, resamplerLatents, maxText, on);
  }
}
