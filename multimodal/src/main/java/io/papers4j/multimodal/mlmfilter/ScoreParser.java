package io.papers4j.multimodal.mlmfilter;

import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the score from a filter model's generated text: the first line, trimmed, must start with an
 * integer 0-100 (trailing text on that line such as "/100" or "." is allowed, as the paper's outputs
 * carry). A first line that is exactly "yes" or "no" ({@link AnswerFormat#PRESENCE}) is skipped: the score is then
 * on the second line. Leading zeros are read ("095" = 95, {@link AnswerFormat#PADDED}). Anything else is malformed: counted here, returned as empty, never thrown, so one bad
 * generation cannot stop a long scoring run.
 */
public final class ScoreParser {
  private final AtomicLong parsed = new AtomicLong(), malformed = new AtomicLong();

  /** The score in {@code generated}, or empty when it is malformed (counted). */
  public OptionalInt parse(String generated) {
    OptionalInt v = read(generated);
    (v.isPresent() ? parsed : malformed).incrementAndGet();
    return v;
  }

  /** The stateless rule of {@link #parse}. */
  public static OptionalInt read(String generated) {
    if (generated == null) return OptionalInt.empty();
    String line = generated.strip();
    int first = line.indexOf('\n');
    if (first >= 0 && isPresence(line.substring(0, first).strip())) line = line.substring(first + 1).strip();
    int nl = line.indexOf('\n');
    if (nl >= 0) line = line.substring(0, nl).strip();
    int i = 0;
    while (i < line.length() && i < 4 && Character.isDigit(line.charAt(i)) && line.charAt(i) < 128) i++;
    if (i == 0 || i > 3) return OptionalInt.empty();
    if (i < line.length() && Character.isLetterOrDigit(line.charAt(i))) return OptionalInt.empty(); // "7a", "12x"
    int v = Integer.parseInt(line.substring(0, i));
    return v <= 100 ? OptionalInt.of(v) : OptionalInt.empty();
  }

  /** Whether {@code line} is the presence answer of {@link AnswerFormat#PRESENCE}, which comes before the score. */
  public static boolean isPresence(String line) {
    return line.equals("yes") || line.equals("no");
  }

  public long parsed() {
    return parsed.get();
  }

  public long malformed() {
    return malformed.get();
  }
}
