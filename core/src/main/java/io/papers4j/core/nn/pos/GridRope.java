package io.papers4j.core.nn.pos;

import io.papers4j.core.nn.pos.PositionEncoding;
import io.papers4j.core.nn.pos.RotaryEmbedding;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;

/**
 * Rotary position embedding on an image grid (VisionLLaMA §3.3), in the "rotate half" channel
 * layout of {@link RotaryEmbedding} (pair p is channels p and p + D/2; the official code rotates
 * adjacent channels, a fixed permutation of the same thing — q and k use one layout).
 *
 * <p><b>2D RoPE</b>: K = D/4 frequencies ω_k = θ^(−4k/D) shared by both axes; pair p = 2k is
 * rotated by x·ω_k (x = column) and pair p = 2k+1 by y·ω_k (y = row). Hence ⟨R(y₁,x₁)q,
 * R(y₂,x₂)k⟩ = qᵀR(y₁−y₂, x₁−x₂)k: the score depends only on the offset along each axis.
 *
 * <p><b>1D RoPE</b> (the Table 12 baseline): ω_p = θ^(−2p/D), p &lt; D/2, on the flattened token
 * index.
 *
 * <p>Both are written as angles = positions · F with positions (T, 2) = (row, column) coordinates
 * in float64 (for 1D: (flat index, 0)) and a constant frequency matrix F (2, D/2). AS2DRoPE is not a
 * different table but different positions: the caller scales the coordinates (see {@link
 * GridPositions}). The same table is shared by all heads (the paper's "shared PE").
 */
public final class GridRope implements PositionEncoding {
  /** Which rotary table. */
  public enum Kind {
    ROPE_1D,
    ROPE_2D
  }

  private final Kind kind;
  private final int headDim;
  private final double theta;
  private final Tensor freqs; // (2, D/2) float64

  public GridRope(Kind kind, int headDim, double theta) {
    int quantum = kind == Kind.ROPE_2D ? 4 : 2;
    if (headDim % quantum != 0) {
      throw new IllegalArgumentException(
          kind + " needs head_dim divisible by " + quantum + ", got " + headDim);
    }
    if (!(theta > 0)) throw new IllegalArgumentException("rope_theta must be > 0, got " + theta);
    this.kind = kind;
    this.headDim = headDim;
    this.theta = theta;
    int pairs = headDim / 2;
    double[] f = new double[2 * pairs]; // row 0 multiplies y (or the flat index), row 1 multiplies x
    for (int p = 0; p < pairs; p++) {
      if (kind == Kind.ROPE_1D) {
        f[p] = Math.pow(theta, -2.0 * p / headDim);
      } else {
        int k = p / 2;
        double omega = Math.pow(theta, -4.0 * k / headDim);
        if (p % 2 == 0) f[pairs + p] = omega; // even pair: column x
        else f[p] = omega; // odd pair: row y
      }
    }
    this.freqs = Tensor.create(f).view(2, pairs);
  }

  public Kind kind() {
    return kind;
  }

  public double theta() {
    return theta;
  }

  public int headDim() {
    return headDim;
  }

  /** The same table with θ replaced (the NTK-aware baseline uses θ' = α·θ at test time). */
  public GridRope withTheta(double newTheta) {
    return new GridRope(kind, headDim, newTheta);
  }

  /** cos and sin (T, D) for positions (T, 2), in {@code dtype}. */
  public Tensor[] cosSin(Tensor positions, ScalarType dtype) {
    if (positions.dim() != 2 || positions.size(1) != 2) {
      throw new IllegalArgumentException("GridRope positions must be (T, 2) (row, column)");
    }
    Tensor angles = positions.to(ScalarType.Double).matmul(freqs); // (T, D/2)
    Tensor emb = torch.cat(new TensorVector(angles, angles), -1); // (T, D)
    return new Tensor[] {emb.cos().to(dtype), emb.sin().to(dtype)};
  }

  @Override
  public Tensor[] apply(Tensor q, Tensor k, Tensor positions) {
    Tensor[] cs = cosSin(positions, q.scalar_type().intern());
    return new Tensor[] {
      RotaryEmbedding.rotate(q, cs[0], cs[1]), RotaryEmbedding.rotate(k, cs[0], cs[1])
    };
  }
}
