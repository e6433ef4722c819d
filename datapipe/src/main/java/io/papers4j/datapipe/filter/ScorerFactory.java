package io.papers4j.datapipe.filter;

/** Builds the LM-checkpoint scorer; kept apart so the charngram path never touches libtorch. */
final class ScorerFactory {
  private ScorerFactory() {}

  static PerplexityScorer lm(String checkpoint, int maxTokens) {
    if (checkpoint == null || checkpoint.isBlank()) {
      throw new IllegalArgumentException("perplexity.checkpoint must name an lm checkpoint directory when scorer = lm");
    }
    return new LlamaPerplexity(checkpoint, maxTokens);
  }
}
