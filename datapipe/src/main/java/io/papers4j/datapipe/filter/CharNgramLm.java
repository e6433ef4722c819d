package io.papers4j.datapipe.filter;

import io.papers4j.datapipe.text.Hash64;
import io.papers4j.datapipe.text.LongIntMap;
import java.util.Locale;

/**
 * A character n-gram language model with interpolated Witten–Bell smoothing, the stand-in for
 * CCNet's KenLM model:
 *
 * <pre>
 *   P_k(c | h_k) = (C(h_k c) + T(h_k) · P_{k−1}(c | h_{k−1})) / (C(h_k) + T(h_k))
 *   P_{−1}(c)    = 1 / V
 * </pre>
 *
 * where h_k is the last k characters, C counts, T(h) is the number of distinct characters seen after
 * h, and V = 2^16 (any UTF-16 unit). Text is lower-cased with whitespace runs collapsed. Counts are
 * kept in hashed maps (64-bit keys; collisions are negligible at these sizes).
 */
public final class CharNgramLm implements PerplexityScorer {
  private static final double V = 65536;

  private final int order;
  private final LongIntMap pair = new LongIntMap();
  private final LongIntMap ctx = new LongIntMap();
  private final LongIntMap types = new LongIntMap();
  private long trainedChars;
  private final String source;

  /** An empty model of the given order (context of order − 1 characters). */
  public CharNgramLm(int order, String source) {
    if (order < 1 || order > 8) throw new IllegalArgumentException("perplexity: order must be 1..8, got " + order);
    this.order = order;
    this.source = source;
  }

  static String normalize(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
  }

  /** Adds a text's counts. */
  public CharNgramLm train(String text) {
    String t = normalize(text);
    long[] h = new long[order];
    for (int i = 0; i < t.length(); i++) {
      contexts(t, i, h);
      char c = t.charAt(i);
      for (int k = 0; k < order && i - k >= 0; k++) {
        if (pair.add(Hash64.combine(h[k] ^ 0x5bd1e995L, c), 1) == 1) types.add(h[k], 1);
        ctx.add(h[k], 1);
      }
    }
    trainedChars += t.length();
    return this;
  }

  /** h[k] = hash of the k characters before position i (h[0] is the empty context). */
  private void contexts(String t, int i, long[] h) {
    h[0] = 0x1234567L;
    for (int k = 1; k < order; k++) h[k] = i - k >= 0 ? Hash64.combine(h[k - 1], t.charAt(i - k)) : 0;
  }

  /** log P(t[i] | preceding characters). */
  private double logProb(String t, int i, long[] h) {
    contexts(t, i, h);
    char c = t.charAt(i);
    double p = 1 / V;
    for (int k = 0; k < order && i - k >= 0; k++) {
      int cc = ctx.get(h[k]);
      if (cc == 0) break;
      int ty = types.get(h[k]);
      p = (pair.get(Hash64.combine(h[k] ^ 0x5bd1e995L, c)) + ty * p) / (cc + ty);
    }
    return Math.log(p);
  }

  @Override
  public double perplexity(String text) {
    String t = normalize(text);
    if (t.isEmpty()) return Double.POSITIVE_INFINITY;
    long[] h = new long[order];
    double nll = 0;
    for (int i = 0; i < t.length(); i++) nll -= logProb(t, i, h);
    return Math.exp(nll / t.length());
  }

  @Override
  public String describe() {
    return "character " + order + "-gram LM (Witten-Bell) trained on " + trainedChars + " characters of " + source;
  }
}
