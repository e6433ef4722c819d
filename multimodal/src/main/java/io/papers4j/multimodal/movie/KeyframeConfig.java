package io.papers4j.multimodal.movie;

/**
 * The keyframe text-to-image model (a small DiT on rectified flow, in place of SDXL).
 *
 * @param imageSize square side in pixels (32: the research note's 32-px scale)
 * @param patch patch side p (4 → 64 image tokens at 32 px)
 * @param hiddenSize width C (96: ~0.5M parameters per block)
 * @param depth adaLN-Zero blocks (4)
 * @param heads attention heads (4 × 24)
 * @param textDim width of the frozen text features (MiniLM-L6: 384)
 * @param maxTokens prompt tokens after padding, [CLS] and [SEP] included (48 fits the longest frame prompt)
 * @param prediction what the network outputs: {@code v}, the velocity ε − x₀ (the default: it gave
 *     the training image back more closely than {@code x} in the one-example probe, MAE 0.030 vs
 *     0.058, and lower held-out x̂₀ error after 400 steps, docs/moviellm.md); or {@code x}, the clean
 *     image x̂₀, turned into the velocity (z − x̂₀)/max(t, 0.05). Checkpoints written before the
 *     field existed read as {@code v}.
 */
public record KeyframeConfig(int imageSize, int patch, int hiddenSize, int depth, int heads, int textDim, int maxTokens, String prediction) {
  /** Clean-image outputs become velocities with t no smaller than this, so t → 0 does not divide by zero. */
  public static final double X_PREDICTION_MIN_T = 0.05;

  public KeyframeConfig {
    if (prediction == null) prediction = "v"; // config.json written before the field existed
    if (!prediction.equals("v") && !prediction.equals("x")) throw new IllegalArgumentException("prediction must be v or x, got " + prediction);
    if (imageSize < 16 || patch < 1 || imageSize % patch != 0) {
      throw new IllegalArgumentException("image size " + imageSize + " must be >= 16 and a multiple of the patch " + patch);
    }
    if (hiddenSize < 8 || heads < 1 || hiddenSize % heads != 0) throw new IllegalArgumentException("width " + hiddenSize + " must be a multiple of heads " + heads);
    if (depth < 1) throw new IllegalArgumentException("depth must be >= 1");
    if (textDim < 1 || maxTokens < 4 || maxTokens > 128) throw new IllegalArgumentException("text width >= 1 and 4 <= max tokens <= 128");
  }

  /** The quick-preset model: 32 px, patch 4, C 96, 4 blocks, 4 heads, MiniLM features, velocity prediction. */
  public static KeyframeConfig quick() {
    return new KeyframeConfig(32, 4, 96, 4, 4, 384, 48, "v");
  }

  /** This config with another prediction ({@code v} or {@code x}). */
  public KeyframeConfig withPrediction(String p) {
    return new KeyframeConfig(imageSize, patch, hiddenSize, depth, heads, textDim, maxTokens, p);
  }

  /** Image tokens per side. */
  public int grid() {
    return imageSize / patch;
  }
}
