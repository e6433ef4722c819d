package io.papers4j.core.nn;

import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Key/value cache of one attention layer for incremental decoding (inference only: gradients do
 * not flow into cached entries).
 *
 * <p>Buffers are allocated once, so create the cache outside any per-step {@code PointerScope}.
 * Keys are stored after the position encoding, as in Hugging Face. Two layouts:
 *
 * <ul>
 *   <li><b>full</b>: {@code capacity} slots, position p in slot p; attention sees slots 0 … p.
 *   <li><b>rolling</b> (Mistral, when a sliding window W is smaller than the capacity): W slots,
 *       position p in slot p mod W. A new chunk attends to the cache content plus itself (so a
 *       prompt longer than W can be pre-filled in one call); the mask drops keys outside the
 *       window. Memory stays O(W) however long the sequence gets.
 * </ul>
 *
 * Every row of the batch shares the same positions.
 */
public final class KVCache {
  private final Tensor keys; // (B, Hkv, S, D)
  private final Tensor values; // (B, Hkv, S, D)
  // (S) int64: the position each slot holds. Rolling: −1 = empty, written with each chunk. Full: slot p
  // holds position p, so the table is 0 … S−1 from the start and a step writes nothing to it (two
  // native calls less per layer and step); only slots below length() are ever read.
  private final Tensor slotPositions;
  private final boolean rolling;
  private final long slots;
  private long length; // positions written so far (full layout: next free slot)

  /**
   * What one attention call attends over: keys and values (B, Hkv, Tk, D), key positions (Tk). The
   * positions of a full-layout view are narrowed from the cache's table only when asked for: an
   * unmasked attention call never reads them (one native object less per layer and step).
   */
  public static final class View {
    private final Tensor keys;
    private final Tensor values;
    private final Tensor table; // the key positions, or the table of which they are the first `length`
    private final long length;
    private Tensor positions;

    View(Tensor keys, Tensor values, Tensor positions) {
      this(keys, values, positions, -1);
    }

    private View(Tensor keys, Tensor values, Tensor table, long length) {
      this.keys = keys;
      this.values = values;
      this.table = table;
      this.length = length;
    }

    public Tensor keys() {
      return keys;
    }

    public Tensor values() {
      return values;
    }

    public Tensor positions() {
      if (positions == null) positions = length < 0 ? table : table.narrow(0, 0, length);
      return positions;
    }
  }

  private KVCache(long batch, int numKvHeads, int headDim, long slots, boolean rolling, ScalarType dtype) {
    TensorOptions o = new TensorOptions().dtype(new ScalarTypeOptional(dtype));
    this.keys = torch.zeros(new long[] {batch, numKvHeads, slots, headDim}, o);
    this.values = torch.zeros(new long[] {batch, numKvHeads, slots, headDim}, o);
    this.slotPositions =
        rolling
            ? torch.full(new long[] {slots}, new Scalar(-1L), new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Long)))
            : torch.arange(new Scalar(slots)); // int64
    this.rolling = rolling;
    this.slots = slots;
  }

  /**
   * A cache for up to {@code capacity} positions; with {@code slidingWindow} in (0, capacity) it is
   * a rolling buffer of {@code slidingWindow} slots.
   */
  public static KVCache create(
      long batch, int numKvHeads, int headDim, long capacity, int slidingWindow, ScalarType dtype) {
    if (capacity <= 0) throw new IllegalArgumentException("KV cache capacity must be > 0");
    boolean rolling = slidingWindow > 0 && slidingWindow < capacity;
    return new KVCache(batch, numKvHeads, headDim, rolling ? slidingWindow : capacity, rolling, dtype);
  }

  public boolean rolling() {
    return rolling;
  }

  /** Number of slots held (capacity, or the window for a rolling cache). */
  public long slots() {
    return slots;
  }

  /** Positions written so far. */
  public long length() {
    return length;
  }

  /** The slot that position {@code p} occupies. */
  public long slotOf(long p) {
    return rolling ? p % slots : p;
  }

  /**
   * Adds the keys and values of new positions (consecutive, continuing from {@link #length()})
   * and returns what the new queries attend over. In the full layout the positions must be
   * length() … length() + Tn − 1 (slot p holds position p).
   *
   * @param k (B, Hkv, Tn, D) keys after the position encoding
   * @param v (B, Hkv, Tn, D)
   * @param positions (Tn) int64
   */
  public View update(Tensor k, Tensor v, Tensor positions) {
    long tn = k.size(2);
    // no guard object when gradients are already off (decoding): one native object less per layer
    try (NoGradGuard g = GradMode.is_enabled() ? new NoGradGuard() : null) {
      if (!rolling) {
        if (length + tn > slots) {
          throw new IllegalStateException(
              "KV cache full: " + length + " + " + tn + " positions > capacity " + slots);
        }
        keys.narrow(2, length, tn).copy_(k);
        values.narrow(2, length, tn).copy_(v);
        length += tn;
        return new View(keys.narrow(2, 0, length), values.narrow(2, 0, length), slotPositions, length);
      }
      // Rolling: attend over (old slots ∪ new chunk), then keep the last W positions.
      View view =
          new View(
              torch.cat(new TensorVector(keys, k.detach()), 2),
              torch.cat(new TensorVector(values, v.detach()), 2),
              torch.cat(new TensorVector(slotPositions, positions), 0));
      long keep = Math.min(tn, slots);
      Tensor kept = positions.narrow(0, tn - keep, keep); // (keep)
      Tensor slotIdx = kept.remainder(new Scalar(slots)); // (keep)
      keys.index_copy_(2, slotIdx, k.narrow(2, tn - keep, keep));
      values.index_copy_(2, slotIdx, v.narrow(2, tn - keep, keep));
      slotPositions.index_copy_(0, slotIdx, kept);
      length += tn;
      return view;
    }
  }

  /** Forgets every position (buffers are kept). */
  public void reset() {
    if (rolling) {
      try (NoGradGuard g = new NoGradGuard()) {
        slotPositions.fill_(new Scalar(-1L));
      }
    }
    length = 0;
  }
}
