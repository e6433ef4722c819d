package io.papers4j.core.nn.pos;

/**
 * How a grid-RoPE model places tokens when the test resolution differs from the training one
 * (VisionLLaMA Table 12 arms). A ViT ignores it: its absolute embedding is bicubically interpolated
 * instead.
 */
public enum PositionRule {
  /** Positions as at training time: 2D RoPE extrapolates to new coordinates (1D RoPE likewise). */
  UNSCALED,
  /** AS2DRoPE: coordinates × (training grid / test grid), i.e. positional interpolation. */
  AUTO_SCALE,
  /** NTK-aware: unscaled positions with θ' = 2θ (the pyramid code's {@code use_ntk}, α = 2). */
  NTK;

  /**
   * The multiplier of one coordinate axis at a test grid of {@code grid} tokens: {@code trainGrid /
   * grid} under {@link #AUTO_SCALE} (VisionLLaMA Eq. 4; 1 at the training grid), 1 otherwise.
   */
  public double scale(int trainGrid, int grid) {
    return this == AUTO_SCALE ? (double) trainGrid / grid : 1.0;
  }

  /** The rotary base in use: 2θ under {@link #NTK}, θ otherwise. */
  public double theta(double theta) {
    return this == NTK ? 2 * theta : theta;
  }
}
