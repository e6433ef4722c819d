package io.papers4j.lm.reasoning;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * GSM8K-style multi-step arithmetic word problems with worked solutions in GSM8K's format: one
 * line per step with a calculator annotation, then {@code #### answer}. Difficulty is the number of
 * steps. Example (3 steps):
 *
 * <pre>
 * Q: Mia has 7 pens. She buys 5 more. Then the number triples. She gives away 4. How many pens does Mia have now?
 * A: She buys 5, so 7+5=&lt;&lt;7+5=12&gt;&gt;12.
 *    It triples, so 12*3=&lt;&lt;12*3=36&gt;&gt;36.
 *    She gives away 4, so 36-4=&lt;&lt;36-4=32&gt;&gt;32.
 *    #### 32
 * </pre>
 *
 * Held-out sets are built first; training sets are drawn with their question hashes excluded, so
 * no held-out question is ever trained on.
 */
public final class SyntheticProblems {
  private SyntheticProblems() {}

  private static final String[][] PEOPLE = {
    {"Mia", "She"}, {"Tom", "He"}, {"Ava", "She"}, {"Sam", "He"}, {"Lea", "She"}, {"Ben", "He"},
    {"Zoe", "She"}, {"Max", "He"},
  };
  private static final String[] ITEMS = {"pens", "apples", "cards", "coins", "books", "shells", "eggs", "stamps"};
  private static final String[] TIMES = {"", "", "doubles", "triples"};

  /**
   * {@code count} distinct problems with {@code minSteps..maxSteps} steps (uniform), none of whose
   * question hashes is in {@code excluded}. Values stay below 1000 and never go negative.
   */
  public static List<Problem> generate(int count, int minSteps, int maxSteps, long seed, Set<String> excluded) {
    if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
    if (minSteps < 1 || maxSteps < minSteps || maxSteps > 8)
      throw new IllegalArgumentException("steps must satisfy 1 <= min <= max <= 8, got " + minSteps + ".." + maxSteps);
    SplittableRandom rng = new SplittableRandom(seed);
    Set<String> seen = new HashSet<>(excluded);
    List<Problem> out = new ArrayList<>(count);
    int attempts = 0;
    while (out.size() < count) {
      if (++attempts > 50 * count + 1000)
        throw new IllegalStateException("cannot draw " + count + " distinct problems with " + minSteps + ".." + maxSteps + " steps");
      Problem p = one(rng, minSteps + rng.nextInt(maxSteps - minSteps + 1));
      if (seen.add(p.hash())) out.add(p);
    }
    return out;
  }

  /** Hashes of {@code problems}' questions. */
  public static Set<String> hashes(List<Problem> problems) {
    Set<String> s = new HashSet<>();
    for (Problem p : problems) s.add(p.hash());
    return s;
  }

  /** One problem with exactly {@code steps} steps. */
  static Problem one(SplittableRandom rng, int steps) {
    String[] who = PEOPLE[rng.nextInt(PEOPLE.length)];
    String name = who[0];
    String pron = who[1];
    String items = ITEMS[rng.nextInt(ITEMS.length)];
    int x = 2 + rng.nextInt(19);
    StringBuilder q = new StringBuilder(name + " has " + x + " " + items + ".");
    StringBuilder a = new StringBuilder();
    for (int s = 0; s < steps; s++) {
      int kind = rng.nextInt(3);
      if (kind == 2 && x * 3 >= 1000) kind = 0;
      if (kind == 1 && x < 2) kind = 0;
      if (kind == 0 && x + 20 >= 1000) kind = 1;
      int y;
      switch (kind) {
        case 0 -> {
          int b = 1 + rng.nextInt(20);
          y = x + b;
          q.append(" ").append(pron).append(" buys ").append(b).append(" more.");
          a.append(pron).append(" buys ").append(b).append(", so ").append(op(x, '+', b, y)).append(".\n");
        }
        case 1 -> {
          int b = 1 + rng.nextInt(Math.min(20, x - 1));
          y = x - b;
          q.append(" ").append(pron).append(" gives away ").append(b).append(".");
          a.append(pron).append(" gives away ").append(b).append(", so ").append(op(x, '-', b, y)).append(".\n");
        }
        default -> {
          int k = 2 + rng.nextInt(2);
          y = x * k;
          q.append(" Then the number ").append(TIMES[k]).append(".");
          a.append("It ").append(TIMES[k]).append(", so ").append(op(x, '*', k, y)).append(".\n");
        }
      }
      x = y;
    }
    q.append(" How many ").append(items).append(" does ").append(name).append(" have now?");
    a.append(Gsm8kGrader.MARKER).append(' ').append(x);
    return new Problem(q.toString(), a.toString(), BigDecimal.valueOf(x));
  }

  private static String op(int x, char o, int b, int y) {
    String e = x + "" + o + b;
    return e + "=<<" + e + "=" + y + ">>" + y;
  }

  /** Number of calculator steps of a solution (its difficulty). */
  public static int steps(Problem p) {
    return p.solution().split("<<", -1).length - 1;
  }
}
