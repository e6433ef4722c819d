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

  /** No position information (e.g. NoPE experiments, or positions added to the embeddings). */
  PositionEncoding NONE = (q, k, positions) -> new Tensor[] {q, k};
}
