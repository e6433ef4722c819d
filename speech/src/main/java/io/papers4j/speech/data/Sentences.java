package io.papers4j.speech.data;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random English sentences from a small grammar (determiner, adjective, noun, verb, prepositional
 * phrase, a few frames such as questions), so that the phone content varies freely and
 * independently of speaker and prosody. Training and held-out pools are disjoint sets of sentences.
 */
public final class Sentences {
  static final String[] DET = {"the", "a", "this", "that", "my", "your", "every", "one"};
  static final String[] ADJ = {"quick", "small", "green", "old", "quiet", "bright", "heavy", "cold", "happy", "dark",
      "yellow", "gentle", "strange", "warm", "empty", "early", "tired", "clever", "wooden", "silver"};
  static final String[] NOUN = {"fox", "dog", "river", "teacher", "window", "garden", "city", "engine", "bird",
      "farmer", "letter", "mountain", "doctor", "kitchen", "train", "child", "boat", "market", "forest", "violin",
      "table", "lamp", "sister", "pilot", "basket", "judge", "stone", "cloud", "village", "machine"};
  static final String[] VERB = {"jumps over", "looks at", "carries", "finds", "paints", "follows", "builds",
      "watches", "opens", "remembers", "pushes", "visits", "cleans", "answers", "measures", "catches"};
  static final String[] PREP = {"near", "behind", "under", "beside", "across", "inside", "beyond", "toward"};
  static final String[] ADV = {"slowly", "today", "again", "quietly", "at noon", "every morning", "once more",
      "without a word", "in the rain", "before dinner"};

  private Sentences() {}

  static String pick(Random r, String[] w) {
    return w[r.nextInt(w.length)];
  }

  static String np(Random r) {
    return r.nextBoolean() ? pick(r, DET) + " " + pick(r, NOUN) : pick(r, DET) + " " + pick(r, ADJ) + " " + pick(r, NOUN);
  }

  /** One random sentence. */
  public static String one(Random r) {
    String s = switch (r.nextInt(4)) {
      case 0 -> np(r) + " " + pick(r, VERB) + " " + np(r);
      case 1 -> np(r) + " " + pick(r, VERB) + " " + np(r) + " " + pick(r, PREP) + " " + np(r);
      case 2 -> "does " + np(r) + " " + pick(r, VERB).split(" ")[0].replaceAll("e?s$", "") + " " + np(r) + "?";
      default -> np(r) + " " + pick(r, VERB) + " " + np(r) + " " + pick(r, ADV);
    };
    s = Character.toUpperCase(s.charAt(0)) + s.substring(1);
    return s.endsWith("?") ? s : s + ".";
  }

  /** {@code nTrain} and {@code nHeld} distinct sentences, no sentence in both. */
  public static List<List<String>> pools(int nTrain, int nHeld, long seed) {
    Random r = new Random(seed);
    Set<String> all = new LinkedHashSet<>();
    int guard = 0;
    while (all.size() < nTrain + nHeld && guard++ < 100 * (nTrain + nHeld)) all.add(one(r));
    List<String> list = new ArrayList<>(all);
    return List.of(list.subList(0, nTrain), list.subList(nTrain, list.size()));
  }
}
