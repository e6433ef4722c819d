package io.papers4j.vision.visionllama;

/**
 * Hyperparameters of the plain VisionLLaMA and its DeiT-style ViT twin (defaults: the spec's toy
 * size for 28×28 Fashion-MNIST, experiment 1A).
 *
 * @param arch "plain" (VisionLLaMA: RoPE attention, SwiGLU, no absolute position embedding) or "vit"
 *     (learned absolute position embedding, GELU MLP)
 * @param imageSize training resolution in pixels (28); the anchor B of AS2DRoPE
 * @param channels input channels (1)
 * @param patchSize patch side (4 → 7×7 tokens at 28 px)
 * @param hiddenSize width d (72)
 * @param depth blocks (5)
 * @param numHeads heads (3, head dim 24 = six 2D-RoPE frequencies per axis)
 * @param intermediateSize MLP hidden size: SwiGLU h = (8/3)d = 192 for plain, 4d = 288 for vit
 *     (equal MLP parameter counts)
 * @param rope "2d" or "1d" (plain only; the 1D-RoPE ablation of Table 12)
 * @param ropeTheta θ (10000)
 * @param norm "layernorm" (the paper's choice, Table 7b) or "rmsnorm"
 * @param layerScale LayerScale init γ (1e-4, the code's value; 0 disables)
 * @param numClasses classes (10)
 * @param labelSmoothing ε of the training loss (0.1)
 */
public record VisionConfig(
    String arch,
    int imageSize,
    int channels,
    int patchSize,
    int hiddenSize,
    int depth,
    int numHeads,
    int intermediateSize,
    String rope,
    double ropeTheta,
    String norm,
    double layerScale,
    int numClasses,
    double labelSmoothing) implements ImageClassifier.Config {

  public VisionConfig {
    if (!arch.equals("plain") && !arch.equals("vit")) {
      throw new IllegalArgumentException("arch must be plain or vit, got " + arch);
    }
    if (!rope.equals("2d") && !rope.equals("1d")) {
      throw new IllegalArgumentException("rope must be 2d or 1d, got " + rope);
    }
    if (!norm.equals("layernorm") && !norm.equals("rmsnorm")) {
      throw new IllegalArgumentException("norm must be layernorm or rmsnorm, got " + norm);
    }
    if (imageSize % patchSize != 0) {
      throw new IllegalArgumentException(
          "image_size " + imageSize + " is not a multiple of patch_size " + patchSize);
    }
    if (hiddenSize % numHeads != 0) {
      throw new IllegalArgumentException("hidden_size " + hiddenSize + " not divisible by num_heads " + numHeads);
    }
    if (depth < 1 || numClasses < 2) throw new IllegalArgumentException("depth >= 1 and num_classes >= 2 required");
    if (labelSmoothing < 0 || labelSmoothing >= 1) {
      throw new IllegalArgumentException("label_smoothing must be in [0, 1), got " + labelSmoothing);
    }
  }

  /** The spec's VisionLLaMA for Fashion-MNIST: d 72, depth 5, heads 3, SwiGLU 192, 2D RoPE. */
  public static VisionConfig plain() {
    return new VisionConfig("plain", 28, 1, 4, 72, 5, 3, 192, "2d", 10000, "layernorm", 1e-4, 10, 0.1);
  }

  /** The same width and depth as a DeiT-style ViT: GELU MLP 4d, learned absolute PE. */
  public static VisionConfig vit() {
    return new VisionConfig("vit", 28, 1, 4, 72, 5, 3, 288, "2d", 10000, "layernorm", 1e-4, 10, 0.1);
  }

  public static VisionConfig of(String arch) {
    return switch (arch) {
      case "plain" -> plain();
      case "vit" -> vit();
      default -> throw new IllegalArgumentException("unknown arch " + arch + " (plain or vit)");
    };
  }

  public VisionConfig withSize(int hidden, int layers, int heads, int intermediate) {
    return new VisionConfig(arch, imageSize, channels, patchSize, hidden, layers, heads, intermediate,
        rope, ropeTheta, norm, layerScale, numClasses, labelSmoothing);
  }

  public VisionConfig withRope(String r) {
    return new VisionConfig(arch, imageSize, channels, patchSize, hiddenSize, depth, numHeads,
        intermediateSize, r, ropeTheta, norm, layerScale, numClasses, labelSmoothing);
  }

  public VisionConfig withLayerScale(double gamma) {
    return new VisionConfig(arch, imageSize, channels, patchSize, hiddenSize, depth, numHeads,
        intermediateSize, rope, ropeTheta, norm, gamma, numClasses, labelSmoothing);
  }

  public int headDim() {
    return hiddenSize / numHeads;
  }

  /** Tokens per side at the training resolution (the anchor B of AS2DRoPE, in tokens). */
  public int trainGrid() {
    return imageSize / patchSize;
  }
}
