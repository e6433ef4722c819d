package io.papers4j.vision.visionllama;

/**
 * How a RoPE model places tokens when the test resolution differs from the training one (Table 12
 * arms). A ViT ignores it: its absolute embedding is bicubically interpolated instead.
 */
public enum PositionRule {
  /** Positions as at training time: 2D RoPE extrapolates to new coordinates (1D RoPE likewise). */
  UNSCALED,
  /** AS2DRoPE: coordinates × (training grid / test grid), i.e. positional interpolation. */
  AUTO_SCALE,
  /** NTK-aware: unscaled positions with θ' = 2θ (the pyramid code's {@code use_ntk}, α = 2). */
  NTK
}
