package io.papers4j.core.nn.pos;

import io.papers4j.core.nn.pos.PositionEncoding;
import io.papers4j.core.nn.pos.RopeParameters;

/** The position encoding a Hugging Face LLaMA/Mistral checkpoint asks for. */
public final class RopeEncodings {
  /** Precomputed cos/sin rows at most (longer positions are computed per call). */
  static final int MAX_TABLE = 8192;

  private RopeEncodings() {}

  /**
   * The encoding for a LLaMA-family model: null for plain RoPE (LlamaModel's own {@code
   * RotaryEmbedding}), else a {@link ScaledRotaryEmbedding} in Hugging Face's rotate-half pairing for
   * linear / dynamic / YaRN scaling and for anything with the papers4j Resonance key.
   */
  public static PositionEncoding forLlama(RopeParameters rope, int headDim, int maxPositionEmbeddings) {
    RopeConfig c = RopeConfig.fromRopeParameters(rope, headDim, maxPositionEmbeddings);
    if (c.type() == RopeType.DEFAULT && !c.resonance()) return null;
    return new ScaledRotaryEmbedding(c, Pairing.HALF, Math.min(Math.max(maxPositionEmbeddings, 1), MAX_TABLE));
  }
}
