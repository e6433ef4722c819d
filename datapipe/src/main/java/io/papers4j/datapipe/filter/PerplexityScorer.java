package io.papers4j.datapipe.filter;

import java.io.Serializable;

/**
 * A language model that scores documents for the perplexity filter (Yi's learned filter (i), a
 * KenLM model in CCNet). Implementations: {@link CharNgramLm} (a KenLM stand-in trained on a
 * reference corpus) and {@link LlamaPerplexity} (a papers4j LM checkpoint).
 */
public interface PerplexityScorer extends Serializable {
  /** exp of the mean negative log-likelihood per unit (character or token) of {@code text}. */
  double perplexity(String text);

  /** One line for the report: which model, trained on what. */
  String describe();
}
