package io.papers4j.lm.saullm;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generic (non-legal) instructions built from the general corpus' training units, the stand-in for
 * SaulLM's generic instruction sets (SlimOrca, MetaMathQA, UltraChat, Glaive; none is available
 * offline): repeat a short text, give its first word, give its last word. Each unit gives one
 * example of a task drawn with a seeded generator; units longer than {@value #MAX_CHARS}
 * characters are skipped.
 */
public final class GenericInstructions {
  /** Longest unit used. */
  public static final int MAX_CHARS = 160;

  private GenericInstructions() {}

  /** Up to {@code n} examples from {@code units} (in order, skipping long ones), tasks drawn with {@code seed}. */
  public static List<LegalTasks.Example> build(List<String> units, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<LegalTasks.Example> out = new ArrayList<>();
    for (String raw : units) {
      if (out.size() >= n) break;
      String u = raw.replaceAll("\\s+", " ").strip();
      String[] words = u.replaceAll("[^\\p{L}\\p{N}' ]", " ").strip().split("\\s+");
      if (u.isEmpty() || u.length() > MAX_CHARS || words.length < 3 || words[0].isEmpty()) continue;
      out.add(switch (rng.nextInt(3)) {
        case 0 -> new LegalTasks.Example("generic_repeat", "general", "Repeat the following text exactly.\n\n" + u, u);
        case 1 -> new LegalTasks.Example("generic_first_word", "general",
            u + "\n\nWhat is the first word of the text above? Answer by only outputting the word.", words[0]);
        default -> new LegalTasks.Example("generic_last_word", "general",
            u + "\n\nWhat is the last word of the text above? Answer by only outputting the word.", words[words.length - 1]);
      });
    }
    return out;
  }
}
