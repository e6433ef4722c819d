package io.papers4j.lm.reasoning;

/**
 * Character-level tokens for the tiny reasoning model: 4 specials (pad, end of solution, and the
 * RCRL return tokens good/bad), then '\n' and printable ASCII 32..126; anything else maps to '?'.
 */
public final class CharTokenizer {
  public static final int PAD = 0;
  public static final int EOS = 1;
  public static final int GOOD = 2;
  public static final int BAD = 3;
  private static final int NEWLINE = 4;
  private static final int FIRST_PRINTABLE = 5;

  /** 4 specials + newline + 95 printable characters. */
  public static final int VOCAB = FIRST_PRINTABLE + 95;

  private CharTokenizer() {}

  public static long[] encode(String text) {
    long[] out = new long[text.length()];
    for (int i = 0; i < text.length(); i++) out[i] = id(text.charAt(i));
    return out;
  }

  static int id(char c) {
    if (c == '\n') return NEWLINE;
    if (c >= 32 && c <= 126) return FIRST_PRINTABLE + (c - 32);
    return FIRST_PRINTABLE + ('?' - 32);
  }

  /** Text of ids; specials are dropped. */
  public static String decode(long[] ids, int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      long t = ids[i];
      if (t == NEWLINE) sb.append('\n');
      else if (t >= FIRST_PRINTABLE && t < VOCAB) sb.append((char) (32 + t - FIRST_PRINTABLE));
    }
    return sb.toString();
  }

  public static String decode(long[] ids) {
    return decode(ids, 0, ids.length);
  }
}
