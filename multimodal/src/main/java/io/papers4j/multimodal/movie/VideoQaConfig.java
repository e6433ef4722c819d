package io.papers4j.multimodal.movie;

/**
 * The LLaMA-VID-style long-video QA model at the research note's scale (≤ 5M parameters).
 *
 * @param frameSize frame side in pixels (32, the keyframes' size)
 * @param patch ViT patch (8 → 16 patch tokens + CLS per frame)
 * @param visionDim frame encoder width (64)
 * @param visionLayers frame encoder blocks incl. the unused last one (features are the penultimate)
 * @param visionHeads frame encoder heads
 * @param lmDim decoder width (128)
 * @param lmLayers decoder layers (4)
 * @param lmHeads decoder heads
 * @param maxFrames frames per video (16; shorter videos are padded with a learned empty-frame pair)
 * @param maxQuestion question words (16, left-padded)
 * @param maxAnswer answer words incl. {@code <eos>} (6)
 */
public record VideoQaConfig(int frameSize, int patch, int visionDim, int visionLayers, int visionHeads, int lmDim, int lmLayers,
    int lmHeads, int maxFrames, int maxQuestion, int maxAnswer) {
  public VideoQaConfig {
    if (frameSize % patch != 0) throw new IllegalArgumentException("frame size " + frameSize + " must be a multiple of the patch " + patch);
    if (lmDim % lmHeads != 0 || visionDim % visionHeads != 0) throw new IllegalArgumentException("widths must be multiples of the heads");
    if (maxFrames < 1 || maxQuestion < 4 || maxAnswer < 2) throw new IllegalArgumentException("max frames >= 1, question >= 4, answer >= 2");
  }

  /** The quick-preset sizes. */
  public static VideoQaConfig quick() {
    return new VideoQaConfig(32, 8, 64, 3, 4, 128, 4, 4, 16, 16, 6);
  }

  /** Tokens in one sequence: 2 per frame, the question, {@code <sep>}, the answer. */
  public int sequence() {
    return 2 * maxFrames + maxQuestion + 1 + maxAnswer;
  }
}
