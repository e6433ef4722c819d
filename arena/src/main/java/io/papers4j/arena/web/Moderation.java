package io.papers4j.arena.web;

import java.util.List;
import java.util.Locale;

/**
 * Moderation hook: FastChat sends the last 1000 characters of history plus the new text to the
 * OpenAI moderation endpoint; the default here is a keyword list (no outside service). When flagged,
 * the text is replaced by {@link #MESSAGE}, and the cleaner later drops the battle.
 */
public interface Moderation {
  /** FastChat's replacement text. */
  String MESSAGE = "$MODERATION$ YOUR INPUT VIOLATES OUR CONTENT MODERATION GUIDELINES.";

  /** Whether {@code text} (recent history plus the new message) must be blocked. */
  boolean flagged(String text);

  /** Case-insensitive whole-word keyword match. */
  static Moderation keywords(List<String> words) {
    List<String> lower = words.stream().map(w -> w.toLowerCase(Locale.ROOT)).filter(w -> !w.isBlank()).toList();
    return text -> {
      String t = text.toLowerCase(Locale.ROOT);
      for (String w : lower) {
        int i = t.indexOf(w);
        while (i >= 0) {
          boolean startOk = i == 0 || !Character.isLetterOrDigit(t.charAt(i - 1));
          int end = i + w.length();
          boolean endOk = end == t.length() || !Character.isLetterOrDigit(t.charAt(end));
          if (startOk && endOk) return true;
          i = t.indexOf(w, i + 1);
        }
      }
      return false;
    };
  }
}
