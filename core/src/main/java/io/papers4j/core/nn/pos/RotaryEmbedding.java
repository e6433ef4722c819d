package io.papers4j.core.nn.pos;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;

/**
 * Rotary position embedding (Su et al. 2021) in the Hugging Face "rotate half" pairing: dimension
 * j is rotated together with j + D/2, by the angle {@code m·θ_j} at position m, where
 *
 * <pre>θ_j = base^(−2j/D),  j = 0 … D/2−1
 * x' = x ⊙ cos(mθ) + rotate_half(x) ⊙ sin(mθ),  rotate_half([x₁, x₂]) = [−x₂, x₁]</pre>
 *
 * <p>(with cos and sin of the duplicated angle vector [mθ, mθ]). Because each pair is a 2-D
 * rotation, ⟨R(m)q, R(n)k⟩ depends only on m − n.
 *
 * <p>Variants (YaRN, Resonance RoPE, NTK scaling) reuse this class by passing their own inverse
 * frequencies θ_j and an attention scaling factor that multiplies cos and sin (YaRN's mscale).
 * Angles are computed in float32 like Hugging Face (float64 when the inputs are float64).
 */
public class RotaryEmbedding implements PositionEncoding {
  protected final Tensor invFreq; // (D/2) float64
  protected final double attentionScaling;

  /** Standard RoPE for head dimension {@code headDim} and base {@code theta} (rope_theta). */
  public RotaryEmbedding(int headDim, double theta) {
    this(standardInvFreq(headDim, theta), 1.0);
  }

  /** RoPE with given inverse frequencies (D/2) and a factor applied to cos and sin. */
  public RotaryEmbedding(Tensor invFreq, double attentionScaling) {
    if (invFreq.dim() != 1) throw new IllegalArgumentException("invFreq must be 1-D (D/2)");
    this.invFreq = invFreq.to(ScalarType.Double);
    this.attentionScaling = attentionScaling;
  }

  /** θ_j = base^(−2j/D), as float32 (computed like Hugging Face) stored as float64. */
  public static Tensor standardInvFreq(int headDim, double theta) {
    if (headDim % 2 != 0) throw new IllegalArgumentException("RoPE needs an even head_dim, got " + headDim);
    if (!(theta > 0)) throw new IllegalArgumentException("rope_theta must be > 0, got " + theta);
    float[] f = new float[headDim / 2];
    for (int j = 0; j < f.length; j++) {
      // HF: 1.0 / (base ** (arange(0, dim, 2).float() / dim)), in float32
      float exponent = (float) (2 * j) / (float) headDim;
      f[j] = (float) (1.0 / Math.pow(theta, exponent));
    }
    return Tensor.create(f).to(ScalarType.Double);
  }

  public Tensor invFreq() {
    return invFreq;
  }

  /**
   * cos and sin tables {@code {cos, sin}}, each (T, D) for positions (T), or (B, 1, T, D) for
   * positions (B, T), in {@code dtype}.
   */
  public Tensor[] cosSin(Tensor positions, ScalarType dtype) {
    ScalarType work = dtype == ScalarType.Double ? ScalarType.Double : ScalarType.Float;
    Tensor inv = invFreq.to(work); // (D/2)
    Tensor pos = positions.to(work).unsqueeze(-1); // (…, T, 1)
    Tensor freqs = pos.mul(inv); // (…, T, D/2)
    TensorVector both = new TensorVector(freqs, freqs);
    Tensor emb = torch.cat(both, -1); // (…, T, D)
    Tensor cos = emb.cos();
    Tensor sin = emb.sin();
    if (attentionScaling != 1.0) {
      cos = cos.mul(new Scalar(attentionScaling));
      sin = sin.mul(new Scalar(attentionScaling));
    }
    cos = cos.to(dtype);
    sin = sin.to(dtype);
    if (positions.dim() == 2) { // (B, T, D) → (B, 1, T, D), broadcast over heads
      cos = cos.unsqueeze(1);
      sin = sin.unsqueeze(1);
    }
    return new Tensor[] {cos, sin};
  }

  @Override
  public Tensor[] apply(Tensor q, Tensor k, Tensor positions) {
    return at(positions).apply(q, k);
  }

  /**
   * cos and sin for {@code positions}, built on the first call (in the queries' dtype) and shared by
   * every later call, so a decoder computes them once per forward pass instead of once per layer
   * (kept in the scope open at this call, see {@link PassTables}).
   * Each rotation is {@link #rotateRolled}, equal to {@link #rotate} bit for bit.
   */
  @Override
  public AtPositions at(Tensor positions) {
    PassTables pass = new PassTables();
    return new AtPositions() {
      private ScalarType dtype;
      private Tensor cos; // (T, D) or (B, 1, T, D)
      private Tensor signedSin; // [−sin₁, sin₂], same shape

      @Override
      public Tensor[] apply(Tensor q, Tensor k) {
        tables(q);
        return new Tensor[] {rotateRolled(q, cos, signedSin), rotateRolled(k, cos, signedSin)};
      }

      /** Both rotated by one set of 4 ops (the same elementwise products, so equal bit for bit). */
      @Override
      public Tensor[] applyAdjacent(Tensor qk, long queryHeads) {
        tables(qk);
        Tensor r = rotateRolled(qk, cos, signedSin); // (B, H + Hkv, T, D)
        return new Tensor[] {r.narrow(1, 0, queryHeads), r.narrow(1, queryHeads, qk.size(1) - queryHeads)};
      }

      private void tables(Tensor q) {
        ScalarType t = q.scalar_type().intern();
        // rebuilt if freed all the same (tables bound outside any scope, used inside one that closed)
        if (t != dtype || cos.isNull() || signedSin.isNull()) {
          Tensor[] cs = cosSin(positions, t);
          cos = cs[0];
          signedSin = signedSin(cs[1]);
          dtype = t;
          pass.keep(cos, signedSin); // alive until the pass's scope closes, not just this layer's
        }
      }
    };
  }

  /** x ⊙ cos + rotate_half(x) ⊙ sin. */
  public static Tensor rotate(Tensor x, Tensor cos, Tensor sin) {
    return x.mul(cos).add(rotateHalf(x).mul(sin));
  }

  /**
   * {@link #rotate} in 4 ops instead of 7: x ⊙ cos + roll(x, D/2) ⊙ [−sin₁, sin₂]. roll(x, D/2) =
   * [x₂, x₁], and x₂ ⊙ (−sin₁) = (−x₂) ⊙ sin₁ exactly (negation is exact), so the result equals
   * {@code rotate(x, cos, sin)} bit for bit. {@code signedSin} comes from {@link #signedSin}.
   */
  public static Tensor rotateRolled(Tensor x, Tensor cos, Tensor signedSin) {
    long half = x.size(-1) / 2;
    return x.mul(cos).add(x.roll(new long[] {half}, new long[] {-1}).mul(signedSin));
  }

  /** sin (…, D) with its first half negated: [−sin₁, sin₂]. */
  public static Tensor signedSin(Tensor sin) {
    long half = sin.size(-1) / 2;
    return torch.cat(new TensorVector(sin.narrow(-1, 0, half).neg(), sin.narrow(-1, half, half)), -1);
  }

  /** [x₁, x₂] → [−x₂, x₁] over the last dimension split in halves. */
  public static Tensor rotateHalf(Tensor x) {
    long half = x.size(-1) / 2;
    Tensor x1 = x.narrow(-1, 0, half);
    Tensor x2 = x.narrow(-1, half, half);
    return torch.cat(new TensorVector(x2.neg(), x1), -1);
  }
}
