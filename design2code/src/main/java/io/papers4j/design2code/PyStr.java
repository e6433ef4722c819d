package io.papers4j.design2code;

/** Python string semantics the official code relies on. */
final class PyStr {
  private PyStr() {}

  /** Python's {@code str.isspace()} for one code point (includes NBSP, unlike Java's isWhitespace). */
  static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || (cp >= 0x1c && cp <= 0x1f) || cp == 0x85;
  }

  /** Python's {@code str.strip()} without arguments. */
  static String strip(String s) {
    int a = 0, b = s.length();
    while (a < b && isSpace(s.charAt(a))) a++;
    while (b > a && isSpace(s.charAt(b - 1))) b--;
    return s.substring(a, b);
  }

  /** Python's {@code ' '.join(s.split())}: collapse runs of whitespace, trim the ends. */
  static String collapse(String s) {
    StringBuilder out = new StringBuilder();
    boolean space = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isSpace(c)) {
        space = out.length() > 0;
      } else {
        if (space) out.append(' ');
        space = false;
        out.append(c);
      }
    }
    return out.toString();
  }
}
