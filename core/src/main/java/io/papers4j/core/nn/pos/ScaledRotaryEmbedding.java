package io.papers4j.core.nn.pos;

import io.papers4j.core.nn.pos.PositionEncoding;
import io.papers4j.core.nn.pos.RotaryEmbedding;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;

/**
 * Every RoPE variant of {@link RopeConfig} as a {@link PositionEncoding} for {@code
 * core.nn.Attention}: RoPE, linear interpolation, NTK, dynamic NTK, YaRN, Resonance RoPE and
 * Resonance YaRN.
 *
 * <pre>x' = x ⊙ cos + rot(x) ⊙ sin,  cos/sin = mscale · cos/sin(angle_j(m)) per pair</pre>
 *
 * with {@code rot} = rotate_half ({@link Pairing#HALF}, Hugging Face) or rotate_every_two ({@link
 * Pairing#ADJACENT}). The angles come from {@link RopeSchedule} (float32 like torch, integer
 * remainder for Resonance). When {@code config.dim()} is smaller than the head dimension only the
 * first {@code dim} dimensions are rotated (partial rotary), the rest pass through.
 *
 * <p>cos/sin tables for positions 0 … {@code maxPositions}−1 are built once in the constructor
 * (create the encoding outside any per-step PointerScope); positions beyond are computed per call.
 * Dynamic NTK recomputes its tables per call once the sequence is longer than the trained length
 * (transformers' rule: the length is the largest position + 1).
 */
public final class ScaledRotaryEmbedding implements PositionEncoding {
  private final RopeConfig config;
  private final Pairing pairing;
  private final RopeSchedule schedule; // at the trained length
  private final Tensor cosTable; // (N, dim) float32
  private final Tensor sinTable; // (N, dim) float32

  public ScaledRotaryEmbedding(RopeConfig config, Pairing pairing, int maxPositions) {
    if (maxPositions <= 0) throw new IllegalArgumentException("maxPositions must be > 0");
    this.config = config;
    this.pairing = pairing;
    this.schedule = RopeSchedule.of(config, config.originalMaxPositionEmbeddings());
    Tensor[] t = tables(schedule, 0, maxPositions);
    this.cosTable = t[0];
    this.sinTable = t[1];
  }

  public RopeConfig config() {
    return config;
  }

  public Pairing pairing() {
    return pairing;
  }

  /** The schedule at the trained length (for dynamic NTK: before it grows). */
  public RopeSchedule schedule() {
    return schedule;
  }

  @Override
  public Tensor[] apply(Tensor q, Tensor k, Tensor positions) {
    Tensor[] cs = cosSin(positions, q.scalar_type().intern());
    return new Tensor[] {rotate(q, cs[0], cs[1]), rotate(k, cs[0], cs[1])};
  }

  /** cos and sin looked up once for {@code positions} (in the queries' dtype) and shared by every call. */
  @Override
  public AtPositions at(Tensor positions) {
    PassTables pass = new PassTables();
    return new AtPositions() {
      private ScalarType dtype;
      private Tensor[] cs;

      @Override
      public Tensor[] apply(Tensor q, Tensor k) {
        ScalarType t = q.scalar_type().intern();
        if (t != dtype || cs[0].isNull() || cs[1].isNull()) { // rebuilt if freed all the same
          cs = cosSin(positions, t);
          dtype = t;
          pass.keep(cs); // alive until the pass's scope closes, not just a layer's (PassTables)
        }
        return new Tensor[] {rotate(q, cs[0], cs[1]), rotate(k, cs[0], cs[1])};
      }
    };
  }

  /**
   * cos and sin for {@code positions} (T) → (T, dim), or (B, T) → (B, 1, T, dim), in the pairing's
   * layout and in {@code dtype}.
   */
  public Tensor[] cosSin(Tensor positions, ScalarType dtype) {
    long maxPos = positions.numel() == 0 ? 0 : positions.max().item_long();
    long minPos = positions.numel() == 0 ? 0 : positions.min().item_long();
    if (minPos < 0) throw new IllegalArgumentException("positions must be >= 0, got " + minPos);
    Tensor cos, sin;
    boolean grown = config.type() == RopeType.DYNAMIC && maxPos + 1 > config.originalMaxPositionEmbeddings();
    if (!grown && maxPos < cosTable.size(0)) {
      Tensor flat = positions.reshape(-1);
      cos = cosTable.index_select(0, flat);
      sin = sinTable.index_select(0, flat);
    } else {
      RopeSchedule s = grown ? RopeSchedule.of(config, (int) (maxPos + 1)) : schedule;
      Tensor[] t = tables(s, 0, (int) (maxPos + 1));
      Tensor flat = positions.reshape(-1);
      cos = t[0].index_select(0, flat);
      sin = t[1].index_select(0, flat);
    }
    long d = cosTable.size(1);
    if (positions.dim() == 2) {
      cos = cos.view(positions.size(0), 1, positions.size(1), d); // (B, 1, T, dim)
      sin = sin.view(positions.size(0), 1, positions.size(1), d);
    } else {
      cos = cos.view(positions.size(0), d); // (T, dim)
      sin = sin.view(positions.size(0), d);
    }
    return new Tensor[] {cos.to(dtype), sin.to(dtype)};
  }

  /** Rotates the first {@code dim} dimensions of x (…, T, D) and passes the rest through. */
  Tensor rotate(Tensor x, Tensor cos, Tensor sin) {
    long dim = cos.size(-1);
    long headDim = x.size(-1);
    if (dim > headDim)
      throw new IllegalArgumentException("rotary dim " + dim + " exceeds head dim " + headDim);
    Tensor rot = dim == headDim ? x : x.narrow(-1, 0, dim);
    Tensor out =
        pairing == Pairing.HALF
            ? RotaryEmbedding.rotate(rot, cos, sin)
            : rot.mul(cos).add(rotateEveryTwo(rot).mul(sin));
    if (dim == headDim) return out;
    return torch.cat(new TensorVector(out, x.narrow(-1, dim, headDim - dim)), -1);
  }

  /** [x0, x1, x2, x3, …] → [−x1, x0, −x3, x2, …]. */
  public static Tensor rotateEveryTwo(Tensor x) {
    long d = x.size(-1);
    Tensor even = x.slice(-1, new LongOptional(0), new LongOptional(d), 2); // x0, x2, …
    Tensor odd = x.slice(-1, new LongOptional(1), new LongOptional(d), 2); // x1, x3, …
    return torch.stack(new TensorVector(odd.neg(), even), -1).flatten(-2, -1);
  }

  /** cos/sin (T, dim) float32 for positions from … from+n−1, laid out for the pairing. */
  private Tensor[] tables(RopeSchedule s, long from, int n) {
    int p = s.pairs();
    int dim = 2 * p;
    long[] pos = new long[n];
    for (int i = 0; i < n; i++) pos[i] = from + i;
    float[][] half = s.cosSin(pos); // (n, p) each
    float[] cos = new float[n * dim];
    float[] sin = new float[n * dim];
    for (int t = 0; t < n; t++) {
      for (int j = 0; j < p; j++) {
        float c = half[0][t * p + j];
        float si = half[1][t * p + j];
        if (pairing == Pairing.HALF) {
          cos[t * dim + j] = c;
          cos[t * dim + j + p] = c;
          sin[t * dim + j] = si;
          sin[t * dim + j + p] = si;
        } else {
          cos[t * dim + 2 * j] = c;
          cos[t * dim + 2 * j + 1] = c;
          sin[t * dim + 2 * j] = si;
          sin[t * dim + 2 * j + 1] = si;
        }
      }
    }
    return new Tensor[] {Tensor.create(cos).view(n, dim), Tensor.create(sin).view(n, dim)};
  }
}
