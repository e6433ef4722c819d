package io.papers4j.lm.train;

/**
 * The unigram baseline: p(token) estimated from training-token counts with add-one (Laplace)
 * smoothing over the vocabulary, scored on the validation tokens,
 *
 * <pre>
 * p(v) = (count(v) + 1) / (N + V);   ppl = exp(−(1/M) Σ_m log p(x_m))
 * </pre>
 *
 * A language model that uses context must beat it; the reproduction asks for 40% lower perplexity.
 */
public final class UnigramBaseline {
  private UnigramBaseline() {}

  public static double perplexity(int[] train, int[] validation, int vocabSize) {
    long[] counts = new long[vocabSize];
    for (int t : train) counts[t]++;
    double denom = train.length + (double) vocabSize;
    double nll = 0;
    for (int t : validation) nll -= Math.log((counts[t] + 1) / denom);
    return Math.exp(nll / validation.length);
  }
}
