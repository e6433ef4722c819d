package io.papers4j.lm.serve;

import io.papers4j.core.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of a growing list of generated tokens, released piece by piece for streaming and cut at
 * the first stop string. A piece is released only up to the last complete character and never
 * includes a tail that could still become the start of a stop string, so a streamed reply equals
 * the non-streamed one. The stop string itself is not part of the text.
 */
final class StopText {
  private final Tokenizer tokenizer;
  private final List<String> stops;
  private final List<Integer> ids = new ArrayList<>();
  private final List<Integer> starts = new ArrayList<>(); // text length before each token
  private String text = "";
  private int released;
  private int cut = -1;

  StopText(Tokenizer tokenizer, List<String> stops) {
    this.tokenizer = tokenizer;
    this.stops = stops;
  }

  /** Adds one token; returns the text that may be released now ("" when none). */
  String add(long id) {
    if (cut >= 0) return "";
    starts.add(complete(text));
    ids.add((int) id);
    text = tokenizer.decode(ids.stream().mapToInt(Integer::intValue).toArray());
    int at = -1;
    for (String s : stops) {
      int i = text.indexOf(s, Math.max(0, released - s.length()));
      if (i >= 0 && (at < 0 || i < at)) at = i;
    }
    if (at >= 0) {
      cut = at;
      String out = at > released ? text.substring(released, at) : "";
      released = Math.max(released, at);
      return out;
    }
    int safe = complete(text);
    int hold = 0;
    for (String s : stops) {
      for (int k = Math.min(s.length() - 1, safe); k > hold; k--) {
        if (text.startsWith(s.substring(0, k), safe - k)) {
          hold = k;
          break;
        }
      }
    }
    safe -= hold;
    if (safe <= released) return "";
    String out = text.substring(released, safe);
    released = safe;
    return out;
  }

  /** At the end of generation: whatever was held back (nothing after a stop string). */
  String finish() {
    if (cut >= 0 || text.length() <= released) return "";
    String out = text.substring(released);
    released = text.length();
    return out;
  }

  /** True once a stop string appeared. */
  boolean stopped() {
    return cut >= 0;
  }

  /** The text so far, cut before the first stop string. */
  String text() {
    return cut >= 0 ? text.substring(0, cut) : text;
  }

  /** Tokens that begin before the cut (all tokens when there is none). */
  int keptTokens() {
    if (cut < 0) return ids.size();
    int k = 0;
    while (k < starts.size() && starts.get(k) < cut) k++;
    return k;
  }

  /** Length of {@code s} without a trailing replacement character (an incomplete UTF-8 sequence). */
  private static int complete(String s) {
    int n = s.length();
    return n > 0 && s.charAt(n - 1) == '\uFFFD' ? n - 1 : n;
  }
}
