package io.papers4j.core.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into chunks that BPE merges never cross, by a regular expression.
 */
public final class PreTokenizer {
  /**
   * GPT-2's pattern: English contractions, letters with an optional leading space, numbers with
   * an optional leading space, other symbols with an optional leading space, then whitespace
   * (a run of spaces gives all but its last space to the run, so the last one joins the next word).
   */
  public static final String GPT2_PATTERN =
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

  /** GPT-2's pre-tokenizer. {@code \s} is Unicode-aware, as in the reference implementation. */
  public static final PreTokenizer GPT2 = new PreTokenizer(GPT2_PATTERN);

  private final Pattern pattern;

  public PreTokenizer(String regex) {
    // Unicode classes: \s must match U+00A0, U+3000, ... as Python's `regex` and JavaScript's
    // /u patterns do; \p{L} and \p{N} work on code points either way.
    this.pattern = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
  }

  /** The regular expression. */
  public String regex() {
    return pattern.pattern();
  }

  /**
   * The chunks of {@code text}, in order: every match, and every stretch of text between matches
   * (Hugging Face's "Isolated" split behaviour; GPT-2's pattern leaves no such stretches).
   */
  public List<String> split(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    int pos = 0;
    while (m.find()) {
      if (m.start() > pos) out.add(text.substring(pos, m.start()));
      if (m.end() > m.start()) out.add(m.group());
      pos = m.end();
    }
    if (pos < text.length()) out.add(text.substring(pos));
    return out;
  }
}
