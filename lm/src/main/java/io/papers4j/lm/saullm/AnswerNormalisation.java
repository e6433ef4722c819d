package io.papers4j.lm.saullm;

import java.text.Normalizer;

/**
 * The answer normalisation of LegalBench's evaluation (which LegalBench-Instruct keeps): delete
 * every ASCII punctuation character (Python's {@code string.punctuation}), strip surrounding
 * white space, lower-case. Before that, a generation is cut to its first non-empty line, because
 * an instruction-style prompt asks for the answer alone ("Answer by only outputting 'Yes' or
 * 'No'") and a model may keep talking after it; the cut is ours, the rest is LegalBench's
 * {@code normalize(text, stem=False)}.
 */
public final class AnswerNormalisation {
  /** Python's string.punctuation. */
  static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  private AnswerNormalisation() {}

  /** LegalBench's normalize: remove punctuation, strip, lower-case (NFKC first, as SaulLM's cleaning). */
  public static String normalise(String text) {
    String s = Normalizer.normalize(text == null ? "" : text, Normalizer.Form.NFKC);
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (PUNCTUATION.indexOf(ch) < 0) sb.append(ch);
    }
    return sb.toString().strip().toLowerCase(java.util.Locale.ROOT);
  }

  /** A model's generation as an answer: its first non-empty line, normalised. */
  public static String answer(String generation) {
    String g = generation == null ? "" : generation;
    for (String line : g.split("\n", -1)) {
      if (!line.isBlank()) return normalise(line);
    }
    return "";
  }
}
