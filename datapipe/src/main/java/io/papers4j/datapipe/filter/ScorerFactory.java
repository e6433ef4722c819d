package io.papers4j.datapipe.filter;

/** Builds the LM-checkpoint scorer; kept apart so the charngram path never touches libtorch. */
final class ScorerFactory {
  private ScorerFactory() {}

  static PerplexityScorer lm(String checkpoint) {
    if (checkpoint == null || checkpoint.isBlank()) {
      throw new IllegalArgumentException("perplexity.checkpoint must name an lm checkpoint directory when scorer = lm");
    }
    // The lm module's LlamaModel is not on main yet; until it is, say so instead of pretending.
    throw new UnsupportedOperationException(
        "perplexity.scorer = lm is not available in this build (lm.llama.LlamaModel not yet merged); use scorer = charngram");
  }
}
