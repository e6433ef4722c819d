package io.papers4j.lm.reasoning;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GSM8K's answer convention: the final answer follows {@code "####"}. The reference grader
 * (grade-school-math {@code dataset.py}) takes {@code -?[0-9.,]+} after {@code "#### "}, drops the
 * commas and compares strings. Model output is messier, so here the text after the last
 * {@code ####} is normalised before a numeric comparison: a leading currency sign, thousands
 * commas, a trailing period and trailing units ("5 dollars", "12%") are dropped, and numbers are
 * compared by value (so "5.00" equals "5" and "-0" equals "0").
 */
public final class Gsm8kGrader {
  private Gsm8kGrader() {}

  /** The marker before a final answer. */
  public static final String MARKER = "####";

  // optional sign, optional currency, digits with thousands commas and/or a decimal part
  private static final Pattern NUMBER =
      Pattern.compile("^\\s*([-−]?)\\s*[$€£]?\\s*([-−]?)((?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?|\\.\\d+)");

  /**
   * The final answer of {@code completion} as a number, or empty when there is no {@code ####} or
   * no number right after it.
   */
  public static Optional<BigDecimal> extract(String completion) {
    if (completion == null) return Optional.empty();
    int at = completion.lastIndexOf(MARKER);
    if (at < 0) return Optional.empty();
    String rest = completion.substring(at + MARKER.length());
    int nl = rest.indexOf('\n');
    if (nl >= 0) rest = rest.substring(0, nl);
    return parseNumber(rest);
  }

  /**
   * The leading number of {@code text} after normalisation (currency, commas, trailing period,
   * units), or empty.
   */
  public static Optional<BigDecimal> parseNumber(String text) {
    Matcher m = NUMBER.matcher(text);
    if (!m.find()) return Optional.empty();
    boolean negative = !m.group(1).isEmpty() ^ !m.group(2).isEmpty();
    String digits = m.group(3).replace(",", "");
    try {
      BigDecimal v = new BigDecimal(digits);
      return Optional.of((negative ? v.negate() : v).stripTrailingZeros());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The normalised final answer as a canonical string ("18", "-2.5"), or null when invalid. */
  public static String answerKey(String completion) {
    return extract(completion).map(Gsm8kGrader::canonical).orElse(null);
  }

  /** A number as the canonical string used for voting: no exponent, no trailing zeros. */
  public static String canonical(BigDecimal v) {
    BigDecimal s = v.stripTrailingZeros();
    if (s.signum() == 0) return "0";
    return s.toPlainString();
  }

  /** True when the completion's final answer equals the reference's final answer by value. */
  public static boolean isCorrect(String completion, String referenceAnswer) {
    Optional<BigDecimal> gold = extract(referenceAnswer);
    if (gold.isEmpty()) throw new IllegalArgumentException("the reference answer has no '#### <number>': " + referenceAnswer);
    return matches(completion, gold.get());
  }

  /** True when the completion's final answer equals {@code gold} by value. */
  public static boolean matches(String completion, BigDecimal gold) {
    return extract(completion).map(v -> v.compareTo(gold) == 0).orElse(false);
  }
}
