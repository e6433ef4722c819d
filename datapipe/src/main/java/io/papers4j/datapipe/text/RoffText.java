package io.papers4j.datapipe.text;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Plain text from a man page's roff source, good enough for n-gram statistics and as corpus text:
 * comments, macro definitions and layout requests are dropped; the text arguments of font and
 * heading macros are kept; inline escapes are removed.
 */
public final class RoffText {
  private RoffText() {}

  /** Macros whose arguments are running text (headings, fonts, tagged paragraphs). */
  private static final Set<String> TEXT_MACROS =
      Set.of("SH", "SS", "B", "I", "BI", "BR", "IB", "IR", "RB", "RI", "SM", "SB", "IP", "TP", "OP", "UR", "MT");

  private static final Pattern ESCAPES =
      Pattern.compile(
          "\\\\f(\\(..|\\[[^\\]]*\\]|.)"     // fonts \fB \f(CW \f[B]
              + "|\\\\s[+-]?\\d+"            // sizes
              + "|\\\\\\*(\\(..|\\[[^\\]]*\\]|.)" // strings \*(L" \*[x]
              + "|\\\\\\((..)"               // special characters \(em
              + "|\\\\\\[[^\\]]*\\]"         // \[em]
              + "|\\\\[nkhvwlLxXoZ]('[^']*'|\\[[^\\]]*\\]|\\(..|.)" // registers, motions
              + "|\\\\[&|^%c0:!)dtruaz{}]");

  public static String of(String roff) {
    StringBuilder out = new StringBuilder(roff.length());
    boolean inDefinition = false;
    for (String line : roff.split("\n", -1)) {
      if (inDefinition) {
        if (line.startsWith("..")) inDefinition = false;
        continue;
      }
      if (line.startsWith(".de") || line.startsWith(".am")) {
        inDefinition = true;
        continue;
      }
      String text = line;
      if (line.startsWith(".") || line.startsWith("'")) {
        String body = line.substring(1).stripLeading();
        int sp = body.indexOf(' ');
        String macro = sp < 0 ? body : body.substring(0, sp);
        if (!TEXT_MACROS.contains(macro) || sp < 0) {
          if (macro.equals("PP") || macro.equals("LP") || macro.equals("P") || macro.equals("sp")) {
            out.append('\n');
          }
          continue;
        }
        text = body.substring(sp + 1).replace("\"", "");
      }
      text = ESCAPES.matcher(text).replaceAll("");
      text = text.replace("\\-", "-").replace("\\e", "\\").replace("\\ ", " ").replace("\\\"", "");
      if (text.startsWith("\\\"")) continue;
      out.append(text.strip()).append('\n');
    }
    return out.toString().replaceAll("\n{3,}", "\n\n").strip();
  }
}
