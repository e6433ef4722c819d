package io.papers4j.lm.galore;

import io.papers4j.core.optim.LongLived;
import io.papers4j.core.optim.OptimizerBase;
import java.util.Map;
import org.bytedeco.pytorch.StringViewOptional;
import org.bytedeco.pytorch.T_TensorTensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The GaLore projector of one weight matrix W (m × n) with gradient G (m × n).
 *
 * <p>Side ('std' rule of the official code): if m ≥ n (tall or square) the <b>right</b> projector Q
 * = V_r^T (r × n) gives R = G·Qᵀ (m × r); otherwise the <b>left</b> projector P = U_r (m × r) gives
 * R = Pᵀ·G (r × n). Either way the projector lies along the smaller dimension and the Adam moments
 * have the shape of R. U, V come from a thin SVD of the gradient in float32, recomputed when the
 * parameter's step count (before its increment) is a multiple of T, including step 0.
 *
 * <p>Back-projection: G̃ = α·N·Q (right) or α·P·N (left). The side is fixed at construction from W's
 * shape, never re-derived from N's shape (the official code does the latter, which picks the wrong
 * side when r ≥ min(m, n); ms-swift PR #10146).
 *
 * <p>Memory: r' · min(m, n) floats with r' = min(r, min(m, n)), allocated once and overwritten at
 * each refresh.
 */
public final class GaLoreProjector {
  /** Which side of G the projector multiplies. */
  public enum Side {
    LEFT,
    RIGHT
  }

  /** How the projector is obtained. */
  public enum Type {
    /** Top-r singular vectors of the gradient (the paper). */
    SVD,
    /** The identity (r = min(m, n)); GaLore then reduces to plain AdamW. For tests and ablations. */
    IDENTITY
  }

  private final long rows;
  private final long cols;
  private final Side side;
  private final Type type;
  private final int rank; // r' = min(r, min(m, n))
  private final int updateProjGap;
  private final double scale;
  private final Tensor ortho; // RIGHT: (r', n), LEFT: (m, r')
  private boolean initialised;
  private int refreshes;
  private long lastRefreshStep = -1;

  /** A projector for a weight of shape (rows, cols). */
  public GaLoreProjector(
      long rows, long cols, int rank, int updateProjGap, double scale, Type type) {
    if (rank <= 0) throw new IllegalArgumentException("GaLore rank must be > 0, got " + rank);
    if (updateProjGap <= 0) {
      throw new IllegalArgumentException("GaLore update gap T must be > 0, got " + updateProjGap);
    }
    this.rows = rows;
    this.cols = cols;
    this.side = sideFor(rows, cols);
    this.type = type;
    this.rank = (int) Math.min(rank, Math.min(rows, cols));
    this.updateProjGap = updateProjGap;
    this.scale = scale;
    long[] shape = side == Side.RIGHT ? new long[] {this.rank, cols} : new long[] {rows, this.rank};
    this.ortho = LongLived.keep(torch.zeros(shape));
    if (type == Type.IDENTITY) {
      ortho.copy_(torch.eye(this.rank));
      initialised = true;
    }
  }

  /** The official 'std' rule: right projector for tall or square matrices, left for wide ones. */
  public static Side sideFor(long rows, long cols) {
    return rows >= cols ? Side.RIGHT : Side.LEFT;
  }

  /** Shape of the projected gradient R (and of the Adam moments). */
  public long[] projectedShape() {
    return projectedShape(rows, cols, rank);
  }

  /** Shape of R for a (rows, cols) weight at rank r: (m, r') on the right side, (r', n) on the left. */
  public static long[] projectedShape(long rows, long cols, int rank) {
    long r = Math.min(rank, Math.min(rows, cols));
    return sideFor(rows, cols) == Side.RIGHT ? new long[] {rows, r} : new long[] {r, cols};
  }

  /**
   * R = G·Qᵀ (m × r) or Pᵀ·G (r × n); refreshes the projector first when {@code step} mod T = 0.
   *
   * @param step this parameter's optimizer step count before it is incremented
   */
  public Tensor project(Tensor grad, long step) {
    if (type == Type.SVD && (!initialised || step % updateProjGap == 0)) refresh(grad, step);
    return side == Side.RIGHT ? grad.mm(ortho.t()) : ortho.t().mm(grad);
  }

  /** G̃ = α·N·Q (right) or α·P·N (left), shape (m, n). */
  public Tensor projectBack(Tensor low) {
    Tensor full = side == Side.RIGHT ? low.mm(ortho) : ortho.mm(low);
    return scale == 1.0 ? full : full.mul(new org.bytedeco.pytorch.Scalar(scale));
  }

  private void refresh(Tensor grad, long step) {
    // thin SVD in float32: U (m, k), S (k), Vh (k, n) with k = min(m, n)
    T_TensorTensorTensor_T usv =
        torch.linalg_svd(grad.to(torch.ScalarType.Float), false, new StringViewOptional());
    if (side == Side.RIGHT) ortho.copy_(usv.get2().narrow(0, 0, rank)); // V_rᵀ (r, n)
    else ortho.copy_(usv.get0().narrow(1, 0, rank)); // U_r (m, r)
    initialised = true;
    refreshes++;
    lastRefreshStep = step;
  }

  public Side side() {
    return side;
  }

  public Type type() {
    return type;
  }

  /** r' = min(r, min(m, n)). */
  public int rank() {
    return rank;
  }

  public double scale() {
    return scale;
  }

  /** The live projector tensor (Q or P). */
  public Tensor matrix() {
    return ortho;
  }

  /** Number of SVD refreshes so far. */
  public int refreshes() {
    return refreshes;
  }

  /** Step count at the last SVD refresh, or -1. */
  public long lastRefreshStep() {
    return lastRefreshStep;
  }

  /** Marks the projector as valid after its matrix was restored from a checkpoint. */
  /** Puts the projection matrix into {@code out} as {@code projector.<name>}. */
  void putState(String name, Map<String, Tensor> out) {
    out.put("projector." + name, matrix());
  }

  /** Restores the matrix written by {@link #putState}; the next step keeps it instead of an SVD. */
  void loadState(String name, Map<String, Tensor> state) {
    OptimizerBase.copyState(state, "projector." + name, matrix());
    markRestored();
  }

  void markRestored() {
    initialised = true;
  }

  public long bytes() {
    return ortho.nbytes();
  }
}
