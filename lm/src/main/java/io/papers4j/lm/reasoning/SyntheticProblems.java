package io.papers4j.lm.reasoning;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * GSM8K-style multi-step arithmetic word problems with worked solutions in GSM8K's format: one
 * line per step with a calculator annotation, then {@code #### answer}. How hard they are is a
 * {@link Difficulty}: the number of steps, how large the numbers are, how many distractor
 * quantities the question holds, and whether the operations are mixed (division and a quantity
 * stated earlier about another person, beside add, subtract, multiply). Example of the basic kind
 * (3 steps):
 *
 * <pre>
 * Q: Mia has 7 pens. She buys 5 more. Then the number triples. She gives away 4. How many pens does Mia have now?
 * A: She buys 5, so 7+5=&lt;&lt;7+5=12&gt;&gt;12.
 *    It triples, so 12*3=&lt;&lt;12*3=36&gt;&gt;36.
 *    She gives away 4, so 36-4=&lt;&lt;36-4=32&gt;&gt;32.
 *    #### 32
 * </pre>
 *
 * and of the mixed kind with distractors (3 steps; Zoe's pens and Mia's cups never matter, Ben's
 * pens do):
 *
 * <pre>
 * Q: Mia has 48 pens. Ben has 17 pens. Zoe has 30 pens. She keeps 1/4 of them. Mia also has 9 cards.
 *    Ben gives her his pens. It doubles. How many pens does Mia have now?
 * A: She keeps 1/4, so 48/4=&lt;&lt;48/4=12&gt;&gt;12.
 *    Ben gives 17, so 12+17=&lt;&lt;12+17=29&gt;&gt;29.
 *    It doubles, so 29*2=&lt;&lt;29*2=58&gt;&gt;58.
 *    #### 58
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
  private static final String[] TIMES_MIXED = {"", "", "doubles", "triples", "quadruples"};
  /** Values of a mixed problem stay below this bound. */
  static final int MIXED_LIMIT = 10_000;
  /**
   * Longer questions of the general kind are drawn again, so a question plus the sampling budget
   * of a hard solution (160 tokens, twice that reserved since the calculator's output is forced
   * beyond it) fits the reasoning LLaMA's 512 positions.
   */
  public static final int MAX_QUESTION_CHARS = 190;

  /**
   * How hard the problems are.
   *
   * @param minSteps fewest arithmetic steps (calculator annotations) per problem, >= 1
   * @param maxSteps most steps, <= 8
   * @param maxNumber largest starting quantity and largest number added or given away (basic: 20)
   * @param distractors most distractor sentences per question (0..2; the count is uniform in 0..n):
   *     another person's count of the same items, the main person's count of another kind of item
   * @param mixed false: add, subtract, double / triple only (the basic generator); true: also
   *     quadruple, exact division ("She keeps 1/4 of them.") and adding a
   *     quantity stated earlier in the question about a friend ("Ben gives her his pens."),
   *     whose sentence is a distractor when no step uses it
   */
  public record Difficulty(int minSteps, int maxSteps, int maxNumber, int distractors, boolean mixed) {
    public Difficulty {
      if (minSteps < 1 || maxSteps < minSteps || maxSteps > 8)
        throw new IllegalArgumentException("steps must satisfy 1 <= min <= max <= 8, got " + minSteps + ".." + maxSteps);
      if (maxNumber < 3 || maxNumber > 999) throw new IllegalArgumentException("max number must be in 3..999, got " + maxNumber);
      if (distractors < 0 || distractors > 2) throw new IllegalArgumentException("distractors must be in 0..2, got " + distractors);
    }

    /** The basic problems: numbers up to 20, add / subtract / double / triple, no distractors. */
    public static Difficulty basic(int minSteps, int maxSteps) {
      return new Difficulty(minSteps, maxSteps, 20, 0, false);
    }

    /**
     * Named levels: {@code easy} = basic 2-3 steps (the earlier default); {@code medium} = 2-3
     * mixed steps, numbers up to 60, up to 2 distractor sentences; {@code hard} = the same with 3-4
     * steps.
     */
    public static Difficulty of(String name) {
      return switch (name) {
        case "easy" -> basic(2, 3);
        case "medium" -> new Difficulty(2, 3, 60, 2, true);
        case "hard" -> new Difficulty(3, 4, 60, 2, true);
        default -> throw new IllegalArgumentException("difficulty must be easy, medium or hard, got " + name);
      };
    }

    /**
     * Sampled-token budget of a named level (calculator output excluded, EOS included): what its
     * longest gold solutions need, within what the 512-position model leaves beside the longest
     * question (question + twice the budget, {@link Rollouts}). Measured over 5,000 problems of
     * each level: the longest gold solution samples 120 tokens (easy), 121 (medium) and 159 (hard,
     * whose budget cannot grow: its longest prompt is 191 tokens).
     */
    public static int tokenBudget(String name) {
      return switch (name) {
        case "easy", "medium" -> 130;
        case "hard" -> 160;
        default -> throw new IllegalArgumentException("difficulty must be easy, medium or hard, got " + name);
      };
    }

    boolean isBasic() {
      return !mixed && distractors == 0 && maxNumber == 20;
    }
  }
  private static final String[] ITEMS = {"pens", "apples", "cards", "coins", "books", "shells", "eggs", "stamps"};
  private static final String[] TIMES = {"", "", "doubles", "triples"};

  /**
   * {@code count} distinct problems with {@code minSteps..maxSteps} steps (uniform), none of whose
   * question hashes is in {@code excluded}. Values stay below 1000 and never go negative.
   */
  public static List<Problem> generate(int count, int minSteps, int maxSteps, long seed, Set<String> excluded) {
    return generate(count, Difficulty.basic(minSteps, maxSteps), seed, excluded);
  }

  /** {@code count} distinct problems of difficulty {@code d}, none of whose question hashes is in {@code excluded}. */
  public static List<Problem> generate(int count, Difficulty d, long seed, Set<String> excluded) {
    if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
    int minSteps = d.minSteps();
    int maxSteps = d.maxSteps();
    SplittableRandom rng = new SplittableRandom(seed);
    Set<String> seen = new HashSet<>(excluded);
    List<Problem> out = new ArrayList<>(count);
    int attempts = 0;
    while (out.size() < count) {
      if (++attempts > 50 * count + 1000)
        throw new IllegalStateException("cannot draw " + count + " distinct problems with " + minSteps + ".." + maxSteps + " steps");
      int steps = minSteps + rng.nextInt(maxSteps - minSteps + 1);
      Problem p = d.isBasic() ? one(rng, steps) : mixed(rng, steps, d);
      if (!d.isBasic() && p.question().length() > MAX_QUESTION_CHARS) continue;
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


  /** A sentence of the question: its text and, for a step, the solution line it produces. */
  private record Sentence(String text, String line) {}

  /**
   * One problem of the general kind: {@code steps} operations on the main person's count, the
   * friend's count (stated, used by at most one step), and up to {@code d.distractors()} sentences
   * the answer does not depend on, each placed at a random point after the first sentence.
   */
  static Problem mixed(SplittableRandom rng, int steps, Difficulty d) {
    // the friend and the other person are of the other gender, so "She" / "He" always means the main person
    int main = rng.nextInt(PEOPLE.length);
    int[] pair = distinct(rng, 2, PEOPLE.length / 2);
    String[] who = PEOPLE[main];
    String[] friend = PEOPLE[2 * pair[0] + 1 - main % 2];
    String[] other = PEOPLE[2 * pair[1] + 1 - main % 2];
    String name = who[0];
    String pron = who[1];
    String obj = pron.equals("She") ? "her" : "him";
    int[] kinds = distinct(rng, 2, ITEMS.length);
    String items = ITEMS[kinds[0]];
    String otherItems = ITEMS[kinds[1]];
    int maxTimes = d.mixed() ? 4 : 3;
    int x = 2 + rng.nextInt(d.maxNumber() - 1);
    int start = x;
    int w = 2 + rng.nextInt(d.maxNumber() - 1); // the friend's count
    boolean friendUsed = false;
    List<Sentence> story = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      int kind = rng.nextInt(d.mixed() ? 5 : 3); // 0 add, 1 subtract, 2 multiply, 3 divide, 4 the friend gives
      if (kind == 4 && (friendUsed || x + w >= MIXED_LIMIT)) kind = rng.nextInt(4);
      if (kind == 3 && divisors(x).isEmpty()) kind = 0;
      if (kind == 2 && x * 2 >= MIXED_LIMIT) kind = 1;
      if (kind == 1 && x < 2) kind = 0;
      if (kind == 0 && x + d.maxNumber() >= MIXED_LIMIT) kind = 1;
      int y;
      String text;
      String line;
      switch (kind) {
        case 0 -> {
          int b = 1 + rng.nextInt(d.maxNumber());
          y = x + b;
          text = pron + " buys " + b + " more.";
          line = pron + " buys " + b + ", so " + op(x, '+', b, y) + ".";
        }
        case 1 -> {
          int b = 1 + rng.nextInt(Math.min(d.maxNumber(), x - 1));
          y = x - b;
          text = pron + " loses " + b + ".";
          line = pron + " loses " + b + ", so " + op(x, '-', b, y) + ".";
        }
        case 2 -> {
          int k = 2 + rng.nextInt(maxTimes - 1);
          while (x * k >= MIXED_LIMIT) k--;
          y = x * k;
          text = "It " + TIMES_MIXED[k] + ".";
          line = "It " + TIMES_MIXED[k] + ", so " + op(x, '*', k, y) + ".";
        }
        case 3 -> {
          List<Integer> ks = divisors(x);
          int k = ks.get(rng.nextInt(ks.size()));
          y = x / k;
          text = pron + " keeps 1/" + k + " of them.";
          line = pron + " keeps 1/" + k + ", so " + op(x, '/', k, y) + ".";
        }
        default -> {
          friendUsed = true;
          y = x + w;
          text = friend[0] + " gives " + obj + " " + (friend[1].equals("She") ? "her" : "his") + " " + items + ".";
          line = friend[0] + " gives " + w + ", so " + op(x, '+', w, y) + ".";
        }
      }
      story.add(new Sentence(text, line));
      x = y;
    }
    // the friend's count: before the step that uses it, or anywhere when unused (then a distractor)
    if (d.mixed()) {
      int use = story.size();
      for (int i = 0; i < story.size(); i++) if (story.get(i).text().startsWith(friend[0] + " gives")) use = i;
      story.add(rng.nextInt(use + 1), new Sentence(friend[0] + " has " + w + " " + items + ".", null));
    }
    // distractors: another person's count of the same items, the main person's count of other items (each at most once)
    int n = d.distractors() == 0 ? 0 : rng.nextInt(d.distractors() + 1);
    boolean otherFirst = rng.nextBoolean();
    for (int i = 0; i < n; i++) {
      int v = 2 + rng.nextInt(d.maxNumber() - 1);
      String text = (i == 0) == otherFirst ? other[0] + " has " + v + " " + items + "." : name + " also has " + v + " " + otherItems + ".";
      story.add(rng.nextInt(story.size() + 1), new Sentence(text, null));
    }
    StringBuilder q = new StringBuilder(name + " has " + start + " " + items + ".");
    StringBuilder a = new StringBuilder();
    for (Sentence s : story) {
      q.append(' ').append(s.text());
      if (s.line() != null) a.append(s.line()).append('\n');
    }
    q.append(" How many ").append(items).append(" does ").append(name).append(" have now?");
    a.append(Gsm8kGrader.MARKER).append(' ').append(x);
    return new Problem(q.toString(), a.toString(), BigDecimal.valueOf(x));
  }

  /** The divisors 2..5 of {@code x} that leave at least 2. */
  private static List<Integer> divisors(int x) {
    List<Integer> ks = new ArrayList<>();
    for (int k = 2; k <= 5; k++) if (x % k == 0 && x / k >= 2) ks.add(k);
    return ks;
  }

  /** {@code n} distinct indices below {@code bound}, in drawing order. */
  private static int[] distinct(SplittableRandom rng, int n, int bound) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int v;
      boolean again;
      do {
        v = rng.nextInt(bound);
        again = false;
        for (int j = 0; j < i; j++) again |= out[j] == v;
      } while (again);
      out[i] = v;
    }
    return out;
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
