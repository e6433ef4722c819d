package io.papers4j.multimodal.mlmfilter;

/**
 * Sizes of the small MLM filter: the shared vision-language stack (ViT + LLaMA decoder with gated
 * cross-attention, as InfiMM-HD's) at the scale of spec 3(e) step 4, halved for 2 cores.
 *
 * @param patch ViT patch (8 → 16 patches + CLS on a 32-px image)
 * @param visionDim ViT width (spec 128; quick 64)
 * @param visionLayers ViT blocks incl. the unused last one (features are the penultimate)
 * @param visionHeads ViT heads
 * @param side image side in pixels (32)
 * @param lmDim decoder width (spec 256; quick 128)
 * @param lmLayers decoder layers (spec 4)
 * @param lmHeads decoder heads
 * @param crossEvery gated cross-attention after every N-th decoder layer
 * @param crossHeads cross-attention heads
 * @param crossHeadDim cross-attention head width
 * @param captionBytes caption field in the prompt, bytes (longer captions are cut, shorter padded)
 * @param answerBytes answer field: score, newline, explanation, end of chunk
 */
public record MlmFilterConfig(int patch, int visionDim, int visionLayers, int visionHeads, int side, int lmDim, int lmLayers,
    int lmHeads, int crossEvery, int crossHeads, int crossHeadDim, int captionBytes, int answerBytes) {
  /** Byte tokens 0-255, then the special tokens. */
  public static final int IMAGE = 256, END_OF_CHUNK = 257, PAD = 258, VOCAB = 259;
  /** New tokens decoded for a score: up to three digits and the newline that ends it. */
  public static final int SCORE_TOKENS = 4;
  /** Further tokens decoded after a first line "yes\n" / "no\n" ({@link AnswerFormat#PRESENCE}; decoding stays within the answer field). */
  public static final int PRESENCE_TOKENS = 4;

  public MlmFilterConfig {
    if (side % patch != 0) throw new IllegalArgumentException("image side " + side + " must be a multiple of the patch " + patch);
    if (crossEvery < 1 || crossEvery > lmLayers) throw new IllegalArgumentException("cross-attention every N needs 1 <= N <= " + lmLayers);
    if (lmDim % lmHeads != 0) throw new IllegalArgumentException("decoder width " + lmDim + " must be a multiple of its heads " + lmHeads);
    if (captionBytes < 8) throw new IllegalArgumentException("caption field must be >= 8 bytes");
    if (answerBytes < SCORE_TOKENS + 1) throw new IllegalArgumentException("answer field must hold a score and its end: >= " + (SCORE_TOKENS + 1));
  }

  /** The quick preset's sizes (~0.7M parameters; a training step at batch 32 measured ~2 s at width 128 under load, so 96). */
  public static MlmFilterConfig quick() {
    return new MlmFilterConfig(8, 64, 3, 4, 32, 96, 4, 4, 2, 4, 16, 72, 14);
  }

  /** Spec 3(e) sizes: ViT width 128, decoder 4 × 256. */
  public static MlmFilterConfig full() {
    return new MlmFilterConfig(8, 128, 4, 4, 32, 256, 4, 8, 2, 4, 32, 96, 24);
  }

  /** Tiny sizes for tests. */
  public static MlmFilterConfig tiny() {
    return new MlmFilterConfig(8, 16, 2, 2, 32, 32, 2, 2, 1, 2, 8, 24, 8);
  }

  /** The ViT's config (a CLIP whose vision tower has this config fits the filter: {@link ClipPretraining#copyTower}). */
  public io.papers4j.multimodal.vlm.VisionEncoder.Config vision() {
    return new io.papers4j.multimodal.vlm.VisionEncoder.Config(patch, visionDim, visionLayers, visionHeads, side);
  }

  /** Prompt length: <image>, caption field, "\n", three-byte tag, ":". */
  public int promptLength() {
    return 1 + captionBytes + 1 + 3 + 1;
  }

  public int sequenceLength() {
    return promptLength() + answerBytes;
  }
}
