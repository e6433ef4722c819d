package io.papers4j.datapipe.eval;

import io.papers4j.datapipe.text.Words;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plants known duplicates into a corpus: exact copies, near-duplicates at a controlled token edit
 * rate, and a shared paragraph pasted into several documents.
 */
public final class Planter {
  private Planter() {}

  /**
   * A copy of {@code text} where each whitespace token is, with probability {@code rate}, replaced
   * by a random word of {@code vocab}, deleted, or followed by an inserted random word (one third
   * each). Line breaks are kept.
   */
  public static String edit(String text, double rate, List<String> vocab, SplittableRandom rnd) {
    StringBuilder sb = new StringBuilder(text.length() + 64);
    for (String line : text.split("\n", -1)) {
      List<String> toks = Words.split(line);
      List<String> out = new ArrayList<>(toks.size() + 4);
      for (String t : toks) {
        if (rnd.nextDouble() >= rate) {
          out.add(t);
          continue;
        }
        switch (rnd.nextInt(3)) {
          case 0 -> out.add(vocab.get(rnd.nextInt(vocab.size())));
          case 1 -> {}
          default -> {
            out.add(t);
            out.add(vocab.get(rnd.nextInt(vocab.size())));
          }
        }
      }
      sb.append(String.join(" ", out)).append('\n');
    }
    return sb.toString().strip();
  }

  /** {@code text} with {@code paragraph} inserted after its first paragraph (or appended). */
  public static String withParagraph(String text, String paragraph) {
    int cut = text.indexOf("\n\n");
    if (cut < 0) return text + "\n\n" + paragraph;
    return text.substring(0, cut) + "\n\n" + paragraph + text.substring(cut);
  }

  /** Words of a corpus, for edits. */
  public static List<String> vocabulary(List<String> texts, int max) {
    List<String> v = new ArrayList<>();
    for (String t : texts) {
      for (String w : Words.split(t)) {
        if (v.size() >= max) return v;
        if (w.chars().allMatch(Character::isLetter)) v.add(w);
      }
    }
    return v;
  }
}
