package io.papers4j.vision.visionllama;

/**
 * Sizes of the reproduction runs.
 *
 * @param hidden width d
 * @param depth blocks
 * @param heads heads (head dim must be divisible by 4)
 * @param swiglu SwiGLU hidden size of VisionLLaMA (≈ (8/3)d)
 * @param gelu GELU MLP hidden size of the ViT (4d; equal MLP parameters when swiglu = (8/3)d)
 * @param trainImages training subset
 * @param testImages test subset
 * @param epochs passes over the training subset
 * @param batch batch size
 * @param lr peak learning rate (the spec's 1e-3)
 * @param seeds at most this many seeds 0, 1, …, each training all three arms (the spread is reported per arm
 *     and resolution)
 * @param seedBudgetS wall-time budget in seconds: after the first two seeds, another starts only when the
 *     average seed so far would end within it (0: no budget, every seed runs)
 */
public record VisionLlamaPreset(
    String name, int hidden, int depth, int heads, int swiglu, int gelu, int trainImages, int testImages,
    int epochs, int batch, double lr, int seeds, double seedBudgetS) {
  public VisionLlamaPreset {
    if (seeds < 1) throw new IllegalArgumentException("seeds must be at least 1, got " + seeds);
    if (seedBudgetS < 0) throw new IllegalArgumentException("seedBudgetS must be >= 0, got " + seedBudgetS);
  }

  /** Whether seed number {@code done} (0-based) starts, {@code elapsedS} seconds into the run. */
  boolean startsSeed(int done, double elapsedS) {
    if (done >= seeds) return false;
    if (done < 2 || seedBudgetS == 0) return true;
    return elapsedS + elapsedS / done <= seedBudgetS;
  }

  public static VisionLlamaPreset named(String name) {
    return switch (name) {
      // quick: ≈ 5 minutes on 2 cores at a load average of ~3 (≈ 600 training images/s at depth 2; a run at
      // load ~17 was ~10x slower): d 48 (SwiGLU (8/3)d = 128 vs GELU 4d = 192, equal MLP parameters), depth 3,
      // heads 2 (head dim 24 as in the spec), a 10k-image subset, 3 epochs of batch 64 (468 steps), the spec's
      // lr 1e-3, 2,000 test images; two or three seeds (one took 155 s on a quiet machine and 293 s at load
      // average 6.7): the third only when it is expected to end within 12 minutes
      case "quick" -> new VisionLlamaPreset("quick", 48, 3, 2, 128, 192, 10_000, 2_000, 3, 64, 1e-3, 3, 720);
      // full: the spec's 1A sizes (d 72, depth 5, heads 3, SwiGLU 192), all data, 3 epochs
      case "full" -> new VisionLlamaPreset("full", 72, 5, 3, 192, 288, 60_000, 10_000, 3, 128, 1e-3, 3, 0);
      // smoke: seconds, for the end-to-end test only
      case "smoke" -> new VisionLlamaPreset("smoke", 24, 1, 2, 64, 96, 256, 128, 2, 64, 1e-3, 2, 0);
      default -> throw new IllegalArgumentException("unknown preset " + name + " (quick, full, smoke)");
    };
  }

  /** The spec's recipe (AdamW wd 0.05, warm-up, clip 1.0) at this preset's peak learning rate. */
  VisionTraining.Recipe recipe() {
    VisionTraining.Recipe spec = VisionTraining.Recipe.spec();
    return new VisionTraining.Recipe(lr, spec.weightDecay(), spec.warmup(), spec.clip());
  }

  /**
   * Both arms without LayerScale (the spec allows "1e-4, or neither"): with a few hundred steps a
   * 1e-4 gate keeps the class token nearly blind to the patches for much of the run.
   */
  VisionConfig config(String arch, String rope) {
    return VisionConfig.of(arch).withSize(hidden, depth, heads, arch.equals("vit") ? gelu : swiglu).withRope(rope)
        .withLayerScale(0);
  }
}
