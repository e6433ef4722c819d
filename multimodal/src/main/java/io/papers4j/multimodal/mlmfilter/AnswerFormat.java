package io.papers4j.multimodal.mlmfilter;

import java.util.Locale;

/**
 * How a scored instruction's answer is written: the score, then its explanation on the next line.
 *
 * <pre>PLAIN     "95\nmatches"          the score as an integer (the quick preset's filters)
 * PADDED    "095\nmatches"         three digits, so the score always ends at the fourth token
 * TWO_DIGITS "95\nmatches"        at most two digits: 100 is written 99, so every number the decoder can end is a score
 * PRESENCE  "no\n010\nother things" ITM only: whether the caption's object is in the image, then the padded score;
 *                                  the other metrics as PADDED</pre>
 *
 * Why PADDED and TWO_DIGITS: with plain scores "100" is the only three-digit answer, and the most frequent single one (a
 * clean caption's ITM is 100 and the teacher's noise is clipped there), so a byte decoder that reads the third token from
 * the second alone answers "900" after "90" (docs/mlm-filter.md, "The '900' outputs"). Padding ended those outputs and
 * cost the ODF score (its leading "0" carries nothing). {@link ScoreParser} reads every format.
 */
public enum AnswerFormat {
  PLAIN, PADDED, TWO_DIGITS, PRESENCE;

  /** The answer text of a scored instruction; {@code present}: the caption's object is in the image (read by PRESENCE on ITM). */
  public String answer(Metric m, int score, boolean present, String why) {
    if (score < 0 || score > 100) throw new IllegalArgumentException("score must be in 0-100, got " + score);
    String s = switch (this) {
      case PLAIN -> Integer.toString(score);
      case TWO_DIGITS -> Integer.toString(Math.min(99, score));
      default -> String.format(Locale.ROOT, "%03d", score);
    };
    String head = this == PRESENCE && m == Metric.ITM ? (present ? "yes\n" : "no\n") : "";
    return head + s + "\n" + why;
  }

  /** "plain" | "padded" | "two_digits" | "presence" (any case) → the format, with one clear message otherwise. */
  public static AnswerFormat parse(String s) {
    for (AnswerFormat f : values()) if (f.name().equalsIgnoreCase(s == null ? "" : s.trim())) return f;
    throw new IllegalArgumentException("unknown --answer-format '" + s + "' (plain, padded, two_digits, presence)");
  }
}
