package io.papers4j.core.nn.pos;

import org.bytedeco.pytorch.Tensor;

/**
 * How an attention layer injects positions into queries and keys (RoPE and its variants: YaRN,
 * Resonance RoPE, 2-D RoPE for images). Implementations are stateless apart from constant tables.
 */
public interface PositionEncoding {
  /**
   * Returns {@code {q', k'}} for queries q (B, H, T, D) and keys k (B, Hkv, T, D) at {@code
   * positions}: int64 of shape (T) (shared by the batch) or (B, T). Implementations for other
   * position layouts (e.g. (T, 2) grid coordinates) document their own shape.
   */
  Tensor[] apply(Tensor q, Tensor k, Tensor positions);

  /**
   * This encoding at fixed {@code positions}, for the queries and keys of every layer of one forward
   * pass: tables that depend only on the positions (RoPE's cos and sin) are built once instead of
   * once per layer. {@code at(positions).apply(q, k)} equals {@code apply(q, k, positions)} exactly.
   * The default builds nothing and delegates. Tables are built on the first call; if a per-layer
   * PointerScope frees them, the next call builds them again.
   */
  default AtPositions at(Tensor positions) {
    return (q, k) -> apply(q, k, positions);
  }

  /** A {@link PositionEncoding} bound to the positions of one forward pass ({@link #at}). */
  interface AtPositions {
    /** {@code {q', k'}} for queries (B, H, T, D) and keys (B, Hkv, T, D) at the bound positions. */
    Tensor[] apply(Tensor q, Tensor k);

    /**
     * {@code {q', k'}} for queries and keys side by side in one tensor qk (B, H + Hkv, T, D), the
     * first {@code queryHeads} heads the queries (the heads of a stacked q/k/v product), equal to
     * {@code apply} on the two parts. The default splits and applies; RoPE, elementwise, rotates
     * both in one pass of ops.
     */
    default Tensor[] applyAdjacent(Tensor qk, long queryHeads) {
      return apply(qk.narrow(1, 0, queryHeads), qk.narrow(1, queryHeads, qk.size(1) - queryHeads));
    }
  }

  /** No position information (e.g. NoPE experiments, or positions added to the embeddings). */
  PositionEncoding NONE = (q, k, positions) -> new Tensor[] {q, k};
}
